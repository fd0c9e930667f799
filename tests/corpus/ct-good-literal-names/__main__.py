"""Corpus program ct-good-literal-names.

Everything spelt as literal strings: bucket name, pattern JSON, selector ARN, state machine ARN. Expected verdict: passes (no mandatory violation).
"""

import json  # noqa: F401
import sys
from pathlib import Path

import pulumi  # noqa: F401
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _kit import env, events_role, log_bucket, machine  # noqa: E402,F401
region, account = env()
aws.s3.Bucket("uploads", bucket="corpus-literal-uploads")
logs, logs_policy = log_bucket("corpus-literal-logs")
aws.cloudtrail.Trail("trail", name="corpus-literal-trail", s3_bucket_name="corpus-literal-logs",
    advanced_event_selectors=[{"name": "uploads", "field_selectors": [
        {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
        {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::corpus-literal-uploads/"]},
        {"field": "readOnly", "equals": ["false"]}]}], opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
aws.cloudwatch.EventRule("rule", name="corpus-literal-rule", event_pattern='''{
  "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
             "requestParameters": {"bucketName": ["corpus-literal-uploads"]}}}''')
machine("corpus-literal-sm")
sm_arn = f"arn:aws:states:{region}:{account}:stateMachine:corpus-literal-sm"
role = events_role("corpus-literal-role", "corpus-literal-rule", sm_arn)
aws.cloudwatch.EventTarget("target", rule="corpus-literal-rule", arn=sm_arn, role_arn=role.arn)
