"""Corpus program ct-good-two-buckets.

One rule serves two managed buckets, one trail logs both. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
a = aws.s3.Bucket("a", bucket="corpus-twob-a")
b = aws.s3.Bucket("b", bucket="corpus-twob-b")
logs, logs_policy = log_bucket("corpus-twob-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object",
                                                            "values": ["arn:aws:s3:::corpus-twob-a/", "arn:aws:s3:::corpus-twob-b/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-twob-rule", event_pattern=pulumi.Output.all(a.bucket, b.bucket).apply(lambda n: json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"], "requestParameters": {"bucketName": n}}})))
sm = machine("corpus-twob-sm")
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, role_arn=events_role("corpus-twob-role", "corpus-twob-rule", sm.arn).arn)
