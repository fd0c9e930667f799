"""Corpus program eb-good-alias-resource.

The target is an alias resource (by its literal ARN); the policy names the alias ARN only. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-ebalias-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-ebalias-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["corpus-ebalias-uploads"]}}}))
sm = machine("corpus-ebalias-sm", publish=True)
aws.sfn.Alias("prod", name="prod", routing_configurations=[{"state_machine_version_arn": sm.state_machine_version_arn, "weight": 100}])
alias_arn = f"arn:aws:states:{region}:{account}:stateMachine:corpus-ebalias-sm:prod"
role = aws.iam.Role("role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("start", role=role.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "states:StartExecution", "Resource": alias_arn}]}))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=alias_arn, role_arn=role.arn)
