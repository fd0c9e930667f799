"""Corpus program ct-good-prefix-eventname-trail-filters.

EventName prefix 'P' also matches PutObjectAcl, but the trail logs only the three uploads, so only uploads arrive. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-pfx-uploads")
logs, logs_policy = log_bucket("corpus-pfx-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, advanced_event_selectors=[{"field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::corpus-pfx-uploads/"]},
    {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-pfx-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail": {"eventName": [{"prefix": "P"}, "CompleteMultipartUpload", "CopyObject"],
                                      "requestParameters": {"bucketName": ["corpus-pfx-uploads"]}}}))
sm = machine("corpus-pfx-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-pfx-role", "corpus-pfx-rule", sm.arn).arn)
