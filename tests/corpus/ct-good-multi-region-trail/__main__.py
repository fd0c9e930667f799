"""Corpus program ct-good-multi-region-trail.

The trail lives in us-east-1 but is multi-region; bucket, rule and machine in us-west-2. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
west = aws.Provider("west", region="us-west-2")
east = aws.Provider("east", region="us-east-1")
uploads = aws.s3.Bucket("uploads", bucket="corpus-multi-uploads", opts=pulumi.ResourceOptions(provider=west))
logs, logs_policy = log_bucket("corpus-multi-logs", opts=pulumi.ResourceOptions(provider=east))
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, is_multi_region_trail=True,
    event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": False,
                      "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-multi-uploads/"]}]}],
    opts=pulumi.ResourceOptions(provider=east, depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-multi-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-multi-uploads"]}}}), opts=pulumi.ResourceOptions(provider=west))
sm = machine("corpus-multi-sm", opts=pulumi.ResourceOptions(provider=west))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, opts=pulumi.ResourceOptions(provider=west),
                           role_arn=events_role("corpus-multi-role", "corpus-multi-rule", sm.arn, region="us-west-2").arn)
