"""Corpus program eb-good-two-rules.

Two notification rules split the creating reasons between them. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-ebtwo-uploads")
aws.s3.BucketNotification("notify", bucket=uploads.id, eventbridge=True)
sm = machine("corpus-ebtwo-sm")
for i, reasons in enumerate([["PutObject", "POST Object"], ["CompleteMultipartUpload", "CopyObject"]]):
    rule = aws.cloudwatch.EventRule(f"rule{i}", name=f"corpus-ebtwo-{i}", event_pattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["corpus-ebtwo-uploads"]}, "reason": reasons}}))
    aws.cloudwatch.EventTarget(f"target{i}", rule=rule.name, arn=sm.arn,
                               role_arn=events_role(f"corpus-ebtwo-role{i}", f"corpus-ebtwo-{i}", sm.arn).arn)
