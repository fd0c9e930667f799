"""Corpus program ct-good-wildcard-bucket.

The rule names the bucket with a wildcard filter, the trail with a shared prefix. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
aws.s3.Bucket("uploads", bucket="corpus-wild-7-uploads")
logs, logs_policy = log_bucket("corpus-wildlogs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, advanced_event_selectors=[{"field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::corpus-wild-"]},
    {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-wild-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": [{"wildcard": "corpus-wild-*-uploads"}]}}}))
sm = machine("corpus-wild-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-wild-role", "corpus-wild-rule", sm.arn).arn)
