"""Corpus program eb-bad-machine-other-region.

The state machine is in eu-west-1. Expected verdict: s3-trigger-same-region.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-ebsmwest-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-ebsmwest-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-ebsmwest-uploads"]}}}))
sm = machine("corpus-ebsmwest-sm", opts=pulumi.ResourceOptions(provider=aws.Provider("eu", region="eu-west-1")))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-ebsmwest-role", "corpus-ebsmwest-rule", sm.arn).arn)
