"""Corpus program eb-good-deny-other-machine.

The role allows this machine and explicitly denies another: the deny does not touch this one. Expected verdict: passes (no mandatory violation).
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
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-deny-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["corpus-deny-uploads"]}}}))
sm = machine("corpus-deny-sm")
role = aws.iam.Role("role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("start", role=role.id, policy=sm.arn.apply(lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "states:StartExecution", "Resource": a},
    {"Effect": "Deny", "Action": "states:StartExecution",
     "Resource": f"arn:aws:states:{region}:{account}:stateMachine:payroll"}]})))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=role.arn)
