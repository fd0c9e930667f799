"""The upload bucket and the trail's log bucket: naming rules and bucket policies, as pure functions."""

from __future__ import annotations

import ipaddress
import re

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(name: str) -> str | None:
    """Why `name` is not a valid general purpose bucket name (AWS naming rules), or None when it is valid."""
    if not isinstance(name, str):
        return "it must be a string"
    if not 3 <= len(name) <= 63:
        return f"it must be 3 to 63 characters long (it is {len(name)})"
    if not _BUCKET_CHARS.match(name):
        return ("it may contain only lowercase letters, digits, dots and hyphens, "
                "and must start and end with a letter or digit")
    if ".." in name:
        return "it must not contain two adjacent dots"
    try:
        ipaddress.IPv4Address(name)
        return "it must not be formatted as an IP address"
    except ValueError:
        pass
    for prefix in _BAD_PREFIXES:
        if name.startswith(prefix):
            return f"it must not start with {prefix!r}"
    for suffix in _BAD_SUFFIXES:
        if name.endswith(suffix):
            return f"it must not end with {suffix!r}"
    return None


def _deny_insecure_transport(bucket_arn: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def tls_only_bucket_policy(bucket_arn: str) -> dict:
    """A bucket policy that refuses every request not made over TLS."""
    return {"Version": "2012-10-17", "Statement": [_deny_insecure_transport(bucket_arn)]}


def cloudtrail_log_bucket_policy(bucket_arn: str, account: str, trail_arn: str) -> dict:
    """TLS only, and CloudTrail may write this trail's logs, scoped by `aws:SourceArn` against the confused deputy."""
    source = {"aws:SourceArn": trail_arn}
    return {
        "Version": "2012-10-17",
        "Statement": [
            _deny_insecure_transport(bucket_arn),
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": source},
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/AWSLogs/{account}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}},
            },
        ],
    }


def access_log_bucket_policy(bucket_arn: str, account: str, source_bucket_arn: str, prefix: str) -> dict:
    """TLS only, and S3's log delivery may write the upload bucket's server access logs under `prefix`, for that
    bucket and account only (`aws:SourceArn`, `aws:SourceAccount`). A policy rather than the log-delivery group's
    ACL: the bucket enforces bucket-owner ownership, so ACLs are off."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            _deny_insecure_transport(bucket_arn),
            {
                "Sid": "S3ServerAccessLogsWrite",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/{prefix}*",
                "Condition": {"ArnLike": {"aws:SourceArn": source_bucket_arn},
                              "StringEquals": {"aws:SourceAccount": account}},
            },
        ],
    }
