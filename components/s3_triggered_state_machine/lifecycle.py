"""Lifecycle rules of the component's buckets, as pure functions of plain values.

Both buckets are versioned. Without rules, every overwritten or deleted upload is kept as a noncurrent version, and
every CloudTrail or access log file is kept, forever: a cost that grows without bound, and the reason `pulumi destroy`
of a used stack stops at `BucketNotEmpty`. The rules here never touch a *current* upload: a user's objects are only
removed by the user.

The dicts use pulumi-aws's input names for `aws.s3.BucketLifecycleConfiguration(rules=...)` (snake_case, as the
Python SDK takes them).
"""

from __future__ import annotations

#: Defaults (see README "Lifecycle"): a month to undo an overwrite or a delete; a year of trail and access logs.
DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 30
DEFAULT_LOG_EXPIRATION_DAYS = 365
#: Abandoned multipart uploads are billed as storage and never shown as objects; AWS's own recommendation is 7 days.
ABORT_INCOMPLETE_MULTIPART_DAYS = 7
#: Where trail and access logs go with `log_transition_days`: Glacier Instant Retrieval keeps them readable at once.
LOG_TRANSITION_STORAGE_CLASS = "GLACIER_IR"
#: S3 does not transition objects below 128 KiB by default (most CloudTrail log files are smaller), and the
#: infrequent-access classes bill at least 128 KiB per object: a transition pays off only for larger log files.
MIN_TRANSITION_OBJECT_BYTES = 128 * 1024

NONCURRENT_DAYS_RANGE = (0, 36500)   # 0: keep noncurrent versions (no rule)
LOG_DAYS_RANGE = (0, 36500)          # 0: keep logs (no expiration)


def _whole_bucket(rule_id: str) -> dict:
    return {"id": rule_id, "status": "Enabled", "filter": {}}


def upload_bucket_rules(noncurrent_days: int) -> list[dict]:
    """Rules of the upload bucket: noncurrent versions expire `noncurrent_days` after they became noncurrent (0: no
    such rule), delete markers left with no versions behind them are removed, and abandoned multipart uploads are
    aborted after 7 days. Current versions are never expired."""
    rules = [dict(_whole_bucket("abort-incomplete-multipart-uploads"),
                  abort_incomplete_multipart_upload={"days_after_initiation": ABORT_INCOMPLETE_MULTIPART_DAYS})]
    if noncurrent_days:
        rules.append(dict(_whole_bucket("expire-noncurrent-versions"),
                          noncurrent_version_expiration={"noncurrent_days": noncurrent_days},
                          expiration={"expired_object_delete_marker": True}))
    return rules


def log_bucket_rules(expiration_days: int, transition_days: int | None = None) -> list[dict]:
    """Rules of a log bucket (the trail's, the access logs'): log files expire `expiration_days` after they were
    written (0: kept), optionally moving to Glacier Instant Retrieval after `transition_days`; the noncurrent
    versions an expiration leaves in a versioned bucket go one day later; abandoned multipart uploads after 7 days."""
    rules = [dict(_whole_bucket("abort-incomplete-multipart-uploads"),
                  abort_incomplete_multipart_upload={"days_after_initiation": ABORT_INCOMPLETE_MULTIPART_DAYS})]
    logs = _whole_bucket("expire-logs")
    if transition_days:
        logs["transitions"] = [{"days": transition_days, "storage_class": LOG_TRANSITION_STORAGE_CLASS}]
    if expiration_days:
        logs["expiration"] = {"days": expiration_days}
        logs["noncurrent_version_expiration"] = {"noncurrent_days": 1}
    if len(logs) > 3:
        rules.append(logs)
    return rules


def lifecycle_problem(noncurrent_days: object, log_expiration_days: object, log_transition_days: object) -> tuple:
    """(argument, value, why) for the first value AWS or these rules refuse, or None."""
    for key, value, (low, high) in (("noncurrent_version_expiration_days", noncurrent_days, NONCURRENT_DAYS_RANGE),
                                    ("log_expiration_days", log_expiration_days, LOG_DAYS_RANGE)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return key, value, f"it must be a whole number of days from {low} (no rule) to {high}"
    if log_transition_days is not None:
        if isinstance(log_transition_days, bool) or not isinstance(log_transition_days, int) \
                or not 1 <= log_transition_days <= LOG_DAYS_RANGE[1]:
            return ("log_transition_days", log_transition_days,
                    f"it must be a whole number of days from 1 to {LOG_DAYS_RANGE[1]}, or unset (no transition)")
        if log_expiration_days and log_transition_days >= log_expiration_days:
            return ("log_transition_days", log_transition_days,
                    f"it must be less than `log_expiration_days` ({log_expiration_days}): logs would expire before "
                    "they move")
    return None
