"""Corpus program ct-bad-reads-start.

The rule names no event, the trail logs reads and writes: every GetObject starts an execution. Expected verdict: s3-trigger-object-created-events.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-reads-uploads")
logs, logs_policy = log_bucket("corpus-reads-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "All", "include_management_events": False,
    "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-reads-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-reads-rule", event_pattern=json.dumps({"source": ["aws.s3"],
    "detail-type": ["AWS API Call via CloudTrail"], "detail": {"requestParameters": {"bucketName": ["corpus-reads-uploads"]}}}))
sm = machine("corpus-reads-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-reads-role", "corpus-reads-rule", sm.arn).arn)
