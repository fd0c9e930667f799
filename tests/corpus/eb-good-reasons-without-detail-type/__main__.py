"""Corpus program eb-good-reasons-without-detail-type.

No detail-type, but detail.reason lists the four creating reasons: deletes and tag changes never match. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-reasons-uploads")
aws.s3.BucketNotification("notify", bucket="corpus-reasons-uploads", eventbridge=True, opts=pulumi.ResourceOptions(depends_on=[uploads]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-reasons-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail": {"bucket": {"name": ["corpus-reasons-uploads"]},
                                     "reason": ["PutObject", "POST Object", "CopyObject", "CompleteMultipartUpload"]}}))
sm = machine("corpus-reasons-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-reasons-role", "corpus-reasons-rule", sm.arn).arn)
