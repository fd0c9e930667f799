"""Corpus program ct-good-two-rules.

Two rules on one bucket and state machine that together catch every upload. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-two-rules-uploads")
logs, logs_policy = log_bucket("corpus-two-rules-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, advanced_event_selectors=[{"field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::corpus-two-rules-uploads/"]},
    {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
sm = machine("corpus-two-rules-sm")
for i, names in enumerate([["PutObject"], ["CompleteMultipartUpload", "CopyObject"]]):
    rule = aws.cloudwatch.EventRule(f"rule{i}", name=f"corpus-two-rules-{i}", event_pattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventName": names, "requestParameters": {"bucketName": ["corpus-two-rules-uploads"]}}}))
    aws.cloudwatch.EventTarget(f"target{i}", rule=rule.name, arn=sm.arn,
                               role_arn=events_role(f"corpus-two-rules-role{i}", f"corpus-two-rules-{i}", sm.arn).arn)
