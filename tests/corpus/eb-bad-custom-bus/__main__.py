"""Corpus program eb-bad-custom-bus.

The rule is on a custom bus; S3 notifications go only to the default bus. Expected verdict: s3-trigger-object-created-events.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-ebbus-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
aws.cloudwatch.EventBus("bus", name="corpus-ebbus-bus")
rule = aws.cloudwatch.EventRule("rule", name="corpus-ebbus-rule", event_bus_name="corpus-ebbus-bus", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-ebbus-uploads"]}}}))
sm = machine("corpus-ebbus-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, event_bus_name="corpus-ebbus-bus", arn=sm.arn,
                           role_arn=events_role("corpus-ebbus-role", "corpus-ebbus-rule", sm.arn).arn)
