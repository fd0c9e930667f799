"""Corpus program ct-good-customer-managed-policy.

The permission comes from an in-stack aws.iam.Policy attached with RolePolicyAttachment. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-cmp-uploads")
logs, logs_policy = log_bucket("corpus-cmp-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, advanced_event_selectors=[{"field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::corpus-cmp-uploads/"]}, {"field": "readOnly", "equals": ["false"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-cmp-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-cmp-uploads"]}}}))
sm = machine("corpus-cmp-sm")
aws.iam.Policy("start", name="corpus-cmp-start", policy=sm.arn.apply(lambda a: json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": a}]})))
role = aws.iam.Role("role", name="corpus-cmp-role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com"]}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}))
aws.iam.RolePolicyAttachment("attach", role=role.name, policy_arn=f"arn:aws:iam::{account}:policy/corpus-cmp-start")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=role.arn)
