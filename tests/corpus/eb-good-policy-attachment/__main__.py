"""Corpus program eb-good-policy-attachment.

A customer-managed policy attached with aws.iam.PolicyAttachment (roles=[...]). Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-pattach-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-pattach-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["corpus-pattach-uploads"]}}}))
sm = machine("corpus-pattach-sm")
role = aws.iam.Role("role", name="corpus-pattach-role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.Policy("start", name="corpus-pattach-start", policy=sm.arn.apply(lambda a: json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": a}]})))
aws.iam.PolicyAttachment("attach", roles=[role.name], policy_arn=f"arn:aws:iam::{account}:policy/corpus-pattach-start")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=role.arn)
