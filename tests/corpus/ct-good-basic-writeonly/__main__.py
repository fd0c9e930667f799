"""Corpus program ct-good-basic-writeonly.

Basic WriteOnly selector on the bucket, rule on the three upload names. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads")
logs, logs_policy = log_bucket("corpus-basic-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[aws.cloudtrail.TrailEventSelectorArgs(
    read_write_type="WriteOnly", include_management_events=False,
    data_resources=[aws.cloudtrail.TrailEventSelectorDataResourceArgs(
        type="AWS::S3::Object", values=[uploads.bucket.apply(lambda b: f"arn:aws:s3:::{b}/")])])],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-basic-rule", event_pattern=uploads.bucket.apply(lambda b: json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": [b]}}})))
sm = machine("corpus-basic-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-basic-role", "corpus-basic-rule", sm.arn).arn)
