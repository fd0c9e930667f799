"""Corpus program ct-bad-rule-other-region.

Multi-region trail, but the rule (and its machine) live in us-west-2 while the bucket is in us-east-2. Expected verdict: s3-trigger-same-region.
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
west = aws.Provider("west", region="us-west-2")
uploads = aws.s3.Bucket("uploads", bucket="corpus-rulewest-uploads")
logs, logs_policy = log_bucket("corpus-rulewest-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, is_multi_region_trail=True, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-rulewest-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
rule = aws.cloudwatch.EventRule("rule", name="corpus-rulewest-rule", opts=pulumi.ResourceOptions(provider=west), event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"], "requestParameters": {"bucketName": ["corpus-rulewest-uploads"]}}}))
sm = machine("corpus-rulewest-sm", opts=pulumi.ResourceOptions(provider=west))
aws.cloudwatch.EventTarget("target", rule=rule.name, arn=sm.arn, opts=pulumi.ResourceOptions(provider=west),
                           role_arn=events_role("corpus-rulewest-role", "corpus-rulewest-rule", sm.arn, region="us-west-2").arn)
