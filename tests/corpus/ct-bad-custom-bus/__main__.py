"""Corpus program ct-bad-custom-bus.

The rule is on a custom event bus; CloudTrail events go only to the default bus. Expected verdict: s3-trigger-object-created-events.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-bus-uploads")
logs, logs_policy = log_bucket("corpus-bus-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": False,
    "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-bus-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
bus = aws.cloudwatch.EventBus("bus", name="corpus-bus-bus")
rule = aws.cloudwatch.EventRule("rule", event_bus_name=bus.name, name="corpus-bus-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-bus-uploads"]}}}))
sm = machine("corpus-bus-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, event_bus_name=bus.name, arn=sm.arn,
                           role_arn=events_role("corpus-bus-role", "corpus-bus-rule", sm.arn).arn)
