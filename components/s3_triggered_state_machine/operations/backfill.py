"""`backfill`: one execution for each object already in the bucket that the trigger would have started one for.

Which objects: the latest version of each key (delete markers skipped) that matches the rule's key prefix and suffix
and was last modified before the cutoff (`--before`; default: when this backfill starts, `default_cutoff`).

No object may be skipped by default. AWS records no moment at which a rule's target went live: the dead-letter
queue's creation time, this command's old default, is earlier (the queue, and the target's permissions, are created
before the target), so objects uploaded in between were neither delivered nor backfilled. A cutoff at the start of
the backfill is late instead of early: what may run twice is exactly the objects last modified between the trigger
going live and the backfill's start (one execution from the trigger, one from the backfill, `eventName` "Backfill"),
plus a multipart upload begun before the cutoff and completed after it (S3's LastModified of a multipart object is
when the upload was initiated). Pass `--before` with the time the trigger went live to narrow that window.

The input is the one the trigger delivers: for `input_format="object"` exactly the transformer's document (with
`eventName` "Backfill"); for `"event"` an event of the delivery mode's shape, marked as synthesized
(`documents.backfill_event`). Execution names are deterministic per object version, so a re-run starts nothing
twice (Standard workflows); `--start-after KEY` resumes a listing where a summary says it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, TextIO

from ..target import execution_input

from .documents import (_partition, account_of, backfill_event, backfill_execution_name, iso_time, key_matches,
                        region_of)
from .starter import ALREADY, STARTED, OperationError, Starter, check_state_machine, error_code, \
    error_message, express_warning


@dataclass
class BackfillSummary:
    bucket: str
    state_machine_arn: str
    cutoff: Optional[str]
    dry_run: bool
    listed: int = 0               # latest object versions seen
    not_matching: int = 0         # keys the rule's prefix/suffix does not match
    newer: int = 0                # modified at or after the cutoff: the trigger delivered them
    would_start: int = 0          # dry run
    started: int = 0
    already_started: int = 0
    failed: int = 0
    throttled_retries: int = 0
    stopped_at_limit: bool = False
    last_key: Optional[str] = None  # the last key handled: resume with --start-after
    failures: list = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"summary: {self.listed} object(s) listed in s3://{self.bucket}, {self.not_matching} not matching the "
               f"rule's key filter, {self.newer} at or after the cutoff {self.cutoff or '(none)'}"]
        if self.dry_run:
            out.append(f"summary: dry run: {self.would_start} execution(s) would be started; nothing was started")
        else:
            out.append(f"summary: {self.started} started, {self.already_started} already started by an earlier run, "
                       f"{self.failed} failed, {self.throttled_retries} throttled call(s) retried")
        if self.last_key is not None and (self.stopped_at_limit or self.failed):
            out.append(f"summary: resume with --start-after {json.dumps(self.last_key, ensure_ascii=False)}")
        return out


def _latest_versions(s3: Any, bucket: str, prefix: str, start_after: Optional[str]) -> Iterator[dict]:
    """The latest version of every key under `prefix`, in key order, after `start_after`. Keys come back exactly as
    stored (no EncodingType), so spaces, unicode and '+' are not mangled."""
    kwargs: dict = {"Bucket": bucket}
    if prefix:
        kwargs["Prefix"] = prefix
    if start_after:
        kwargs["KeyMarker"] = start_after
    for page in s3.get_paginator("list_object_versions").paginate(**kwargs):
        for version in page.get("Versions", []):
            if version.get("IsLatest"):
                yield version


def preflight_bucket(s3: Any, bucket: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception as error:
        code = error_code(error)
        if code in ("404", "NoSuchBucket", "NotFound"):
            raise OperationError(f"no such bucket: {bucket!r}") from error
        if code in ("403", "AccessDenied", "Forbidden"):
            raise OperationError(f"no permission to read bucket {bucket!r} ({code}): s3:ListBucket and "
                                 "s3:ListBucketVersions are needed") from error
        raise


def default_cutoff(now: Optional[dt.datetime] = None) -> dt.datetime:
    """The default cutoff: now, when the backfill starts (see the module's docstring for why not the deployment time,
    and what may therefore run twice). Objects modified after it were uploaded while the trigger was live."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)


def run_backfill(*, s3: Any, sfn: Any, bucket: str, state_machine_arn: str, input_format: str, delivery: str,
                 key_prefix: str = "", key_suffix: str = "", cutoff: Optional[dt.datetime] = None,
                 start_after: Optional[str] = None, limit: Optional[int] = None, dry_run: bool = False,
                 rate: float = 25.0, key_encoding: str = "raw", out: Optional[TextIO] = None,
                 starter: Optional[Starter] = None, progress_every: int = 100) -> BackfillSummary:
    write: Callable[[str], None] = (lambda line: print(line, file=out, flush=True))
    description = check_state_machine(sfn, state_machine_arn)
    warning = express_warning(description)
    if warning:
        write(warning)
    preflight_bucket(s3, bucket)
    starter = starter or Starter(sfn, rate=rate)
    region = region_of(state_machine_arn) or ""
    account = account_of(state_machine_arn) or ""
    summary = BackfillSummary(bucket, state_machine_arn, cutoff.isoformat() if cutoff else None, dry_run)
    write(f"backfill: s3://{bucket}/{key_prefix}*{key_suffix} -> {state_machine_arn} "
          f"(input {input_format}, {delivery} delivery, objects modified before {summary.cutoff or 'any time'}"
          f"{', dry run' if dry_run else ''})")
    try:
        versions = _latest_versions(s3, bucket, key_prefix, start_after)
        for version in versions:
            key = version["Key"]
            summary.listed += 1
            if summary.listed % progress_every == 0:
                write(f"progress: {summary.listed} listed, {summary.started + summary.would_start} started, "
                      f"{summary.already_started} already, {summary.failed} failed (at {key!r})")
            if not key_matches(key, key_prefix, key_suffix):
                summary.not_matching += 1
                continue
            if cutoff is not None and version["LastModified"] >= cutoff:
                summary.newer += 1
                continue
            if limit is not None and summary.started + summary.already_started + summary.failed + \
                    summary.would_start >= limit:
                summary.stopped_at_limit = True
                write(f"limit of {limit} reached")
                break
            version_id = version.get("VersionId")
            version_id = None if version_id in (None, "null") else version_id
            event = backfill_event(delivery, bucket=bucket, key=key, size=version.get("Size"),
                                   etag=version.get("ETag"), version_id=version_id,
                                   last_modified=iso_time(version["LastModified"]), region=region, account=account,
                                   partition=_partition(state_machine_arn), key_encoding=key_encoding)
            document = execution_input(input_format, delivery, event)
            name = backfill_execution_name(bucket, key, version_id)
            summary.last_key = key
            if dry_run:
                summary.would_start += 1
                write(f"would start {name} for {key!r}")
                continue
            outcome = starter.start(state_machine_arn, name, document)
            if outcome.status == STARTED:
                summary.started += 1
                write(f"started {name} for {key!r}")
            elif outcome.status == ALREADY:
                summary.already_started += 1
                write(f"already started {name} for {key!r}")
            else:
                summary.failed += 1
                summary.failures.append({"key": key, "reason": outcome.reason})
                write(f"FAILED {key!r}: {outcome.reason}")
    except OperationError:
        raise
    except Exception as error:
        code = error_code(error)
        if code in ("AccessDenied", "403"):
            raise OperationError(f"no permission to list bucket {bucket!r} ({code}): {error_message(error)}; "
                                 "s3:ListBucketVersions is needed") from error
        if code in ("NoSuchBucket", "404"):
            raise OperationError(f"no such bucket: {bucket!r}") from error
        raise
    summary.throttled_retries = starter.retries
    for line in summary.lines():
        write(line)
    return summary

