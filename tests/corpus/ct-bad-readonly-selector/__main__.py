"""Corpus program ct-bad-readonly-selector.

The trail's basic selector is ReadOnly: no write is ever logged. Expected verdict: s3-trigger-trail-logs-bucket.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-readonly-uploads")
logs, logs_policy = log_bucket("corpus-readonly-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "ReadOnly", "include_management_events": False,
    "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-readonly-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-readonly-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-readonly-uploads"]}}}))
sm = machine("corpus-readonly-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-readonly-role", "corpus-readonly-rule", sm.arn).arn)
