"""Corpus program eb-good-unmanaged-bucket.

An existing bucket outside the stack (its owner turned notifications on). Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
rule = aws.cloudwatch.EventRule("rule", name="corpus-external-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["corpus-existing-data-lake"]}}}))
sm = machine("corpus-external-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-external-role", "corpus-external-rule", sm.arn).arn)
