"""Corpus program ct-good-selectors-from-bucket-arn.

The trail's selector ARN is computed from uploads.arn (unknown in preview, read through its dependency). Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-selarn-uploads")
logs, logs_policy = log_bucket("corpus-selarn-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, advanced_event_selectors=[{"field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": [uploads.arn.apply(lambda a: f"{a}/")]},
    {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-selarn-rule", event_pattern=uploads.bucket.apply(lambda b: json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"], "requestParameters": {"bucketName": [b]}}})))
sm = machine("corpus-selarn-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-selarn-role", "corpus-selarn-rule", sm.arn).arn)
