"""Corpus program ct-bad-trail-chain-loop.

Two trails log each other's log buckets: each log file makes the other trail write one, forever. Expected verdict: s3-trigger-no-trail-feedback-loop.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
uploads = aws.s3.Bucket("uploads", bucket="corpus-chain-uploads")
la, la_policy = log_bucket("corpus-chain-logs-a")
lb, lb_policy = log_bucket("corpus-chain-logs-b")
def data(values):
    return [{"read_write_type": "WriteOnly", "include_management_events": False,
             "data_resources": [{"type": "AWS::S3::Object", "values": values}]}]
aws.cloudtrail.Trail("trail-a", s3_bucket_name=la.bucket, event_selectors=data(
    ["arn:aws:s3:::corpus-chain-uploads/", "arn:aws:s3:::corpus-chain-logs-b/"]), opts=pulumi.ResourceOptions(depends_on=[la_policy]))
aws.cloudtrail.Trail("trail-b", s3_bucket_name=lb.bucket, event_selectors=data(["arn:aws:s3:::corpus-chain-logs-a/"]),
                     opts=pulumi.ResourceOptions(depends_on=[lb_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-chain-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-chain-uploads"]}}}))
sm = machine("corpus-chain-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-chain-role", "corpus-chain-rule", sm.arn).arn)
