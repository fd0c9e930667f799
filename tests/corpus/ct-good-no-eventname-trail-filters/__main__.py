"""Corpus program ct-good-no-eventname-trail-filters.

The rule filters only the bucket; the trail logs only the three uploads, so nothing else ever arrives. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-trailfilter-uploads")
logs, logs_policy = log_bucket("corpus-trailfilter-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, advanced_event_selectors=[{"field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::corpus-trailfilter-uploads/"]},
    {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-trailfilter-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail": {"requestParameters": {"bucketName": ["corpus-trailfilter-uploads"]}}}))
sm = machine("corpus-trailfilter-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-trailfilter-role", "corpus-trailfilter-rule", sm.arn).arn)
