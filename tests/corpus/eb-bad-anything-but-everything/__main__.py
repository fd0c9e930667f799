"""Corpus program eb-bad-anything-but-everything.

Anything-but lists every creating reason: only non-creating notifications could match. Expected verdict: s3-trigger-object-created-events.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-abreason-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
rule = aws.cloudwatch.EventRule("rule", name="corpus-abreason-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["corpus-abreason-uploads"]},
               "reason": [{"anything-but": ["PutObject", "POST Object", "CopyObject", "CompleteMultipartUpload"]}]}}))
sm = machine("corpus-abreason-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-abreason-role", "corpus-abreason-rule", sm.arn).arn)
