"""Corpus program eb-bad-policy-describe-only.

The customer-managed policy allows states:DescribeExecution, not StartExecution. Expected verdict: s3-trigger-least-privilege-role.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-describe-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-describe-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-describe-uploads"]}}}))
sm = machine("corpus-describe-sm")
aws.iam.Policy("p", name="corpus-describe-p", policy=sm.arn.apply(lambda a: json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "states:DescribeStateMachine", "Resource": a}]})))
role = aws.iam.Role("role", name="corpus-describe-role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicyAttachment("attach", role=role.name, policy_arn=f"arn:aws:iam::{account}:policy/corpus-describe-p")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=role.arn)
