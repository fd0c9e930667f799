"""Corpus program ct-good-version-target.

The target is the published version's ARN; the policy allows the machine and its qualifiers (ARN:*). Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-version-uploads")
logs, logs_policy = log_bucket("corpus-version-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-version-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-version-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-version-uploads"]}}}))
sm = machine("corpus-version-sm", publish=True)
role = aws.iam.Role("role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("start", role=role.name, policy=sm.arn.apply(lambda a: json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["states:StartExecution"], "Resource": [a, f"{a}:*"]}]})))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.state_machine_version_arn, role_arn=role.arn)
