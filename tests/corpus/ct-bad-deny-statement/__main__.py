"""Corpus program ct-bad-deny-statement.

The role allows StartExecution, then an explicit Deny on states:* removes it. Expected verdict: s3-trigger-least-privilege-role.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-deny-uploads")
logs, logs_policy = log_bucket("corpus-deny-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": False,
    "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-deny-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-deny-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-deny-uploads"]}}}))
sm = machine("corpus-deny-sm")
role = aws.iam.Role("role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("start", role=role.id, policy=sm.arn.apply(lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "states:StartExecution", "Resource": a},
    {"Effect": "Deny", "Action": "states:*", "Resource": "*"}]})))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=role.arn)
