"""Corpus program ct-bad-self-loop-by-id.

The trail logs every bucket's writes, including its own log bucket (named by logs.id). Expected verdict: s3-trigger-no-trail-feedback-loop.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-selfloop-uploads")
logs, logs_policy = log_bucket("corpus-selfloop-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.id, event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": False,
    "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-selfloop-rule", event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-selfloop-uploads"]}}}))
sm = machine("corpus-selfloop-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn,
                           role_arn=events_role("corpus-selfloop-role", "corpus-selfloop-rule", sm.arn).arn)
