"""Corpus program ct-bad-role-without-permission.

The target role trusts EventBridge but no policy lets it start the machine. Expected verdict: s3-trigger-least-privilege-role.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-noperm-uploads")
logs, logs_policy = log_bucket("corpus-noperm-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": False,
    "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-noperm-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-noperm-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-noperm-uploads"]}}}))
sm = machine("corpus-noperm-sm")
role = aws.iam.Role("role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=role.arn)
