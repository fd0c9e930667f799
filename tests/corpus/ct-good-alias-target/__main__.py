"""Corpus program ct-good-alias-target.

The target is a literal alias ARN of a published machine; StartExecution on the unqualified ARN authorizes its aliases. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
uploads = aws.s3.Bucket("uploads", bucket="corpus-alias-uploads")
logs, logs_policy = log_bucket("corpus-alias-logs")
aws.cloudtrail.Trail("trail", s3_bucket_name=logs.bucket, event_selectors=[{"read_write_type": "WriteOnly",
    "include_management_events": False, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::corpus-alias-uploads/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
aws.cloudwatch.EventRule("rule", name="corpus-alias-rule", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
               "requestParameters": {"bucketName": ["corpus-alias-uploads"]}}}))
sm = machine("corpus-alias-sm", publish=True)
aws.sfn.Alias("live", name="live", routing_configurations=[{"state_machine_version_arn": sm.state_machine_version_arn, "weight": 100}])
base = f"arn:aws:states:{region}:{account}:stateMachine:corpus-alias-sm"
aws.cloudwatch.EventTarget("target", rule="corpus-alias-rule", arn=f"{base}:live",
                           role_arn=events_role("corpus-alias-role", "corpus-alias-rule", base).arn)
