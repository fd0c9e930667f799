"""Corpus program ct-good-or-pattern.

$or splits the event names between two alternatives. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-or-uploads")
logs, logs_policy = log_bucket("corpus-or-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.id, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-or-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-or-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"requestParameters": {"bucketName": ["corpus-or-uploads"]}},
    "$or": [{"detail": {"eventName": ["PutObject"]}}, {"detail": {"eventName": ["CompleteMultipartUpload", "CopyObject"]}}]}))
sm = machine("corpus-or-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-or-role", "corpus-or-rule", sm.arn).arn)
