"""Corpus program ct-bad-two-rules-gap.

Two rules, PutObject and CopyObject: together they still miss CompleteMultipartUpload. Expected verdict: s3-trigger-object-created-events.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-gap-uploads")
logs, logs_policy = log_bucket("corpus-gap-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-gap-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
sm = machine("corpus-gap-sm")
for i, names in enumerate([["PutObject"], ["CopyObject"]]):
    rule = aws.cloudwatch.EventRule(f"rule{i}", name=f"corpus-gap-{i}", event_pattern=json.dumps({
        "source": ["aws.s3"], "detail": {"eventName": names, "requestParameters": {"bucketName": ["corpus-gap-uploads"]}}}))
    aws.cloudwatch.EventTarget(f"target{i}", rule=rule.name, arn=sm.arn,
                               role_arn=events_role(f"corpus-gap-role{i}", f"corpus-gap-{i}", sm.arn).arn)
