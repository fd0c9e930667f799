"""Corpus program ct-good-resources-arn-filter.

The rule picks the bucket by detail.resources.ARN prefix instead of requestParameters.bucketName. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-resarn-uploads")
logs, logs_policy = log_bucket("corpus-resarn-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-resarn-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-resarn-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "resources": {"ARN": [{"prefix": "arn:aws:s3:::corpus-resarn-uploads/"}]}}}))
sm = machine("corpus-resarn-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-resarn-role", "corpus-resarn-rule", sm.arn).arn)
