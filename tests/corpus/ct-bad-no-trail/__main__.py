"""Corpus program ct-bad-no-trail.

A CloudTrail rule with no trail at all: no event ever exists. Expected verdict: s3-trigger-trail-logs-bucket.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-notrail-uploads")
rule = aws.cloudwatch.EventRule("rule", name="corpus-notrail-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-notrail-uploads"]}}}))
sm = machine("corpus-notrail-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-notrail-role", "corpus-notrail-rule", sm.arn).arn)
