"""The Terraform-plan rendering of a stack (benchmarks/checkov_render.py): pure functions of plain values.

Substitute: records shaped like `pulumi stack export`'s, written here; the benchmark feeds it the real engine's.
"""

import pytest

from benchmarks.checkov_render import render_plan, snake, terraform_type, terraform_values


@pytest.mark.parametrize("pulumi_type,terraform", [
    ("aws:s3/bucket:Bucket", "aws_s3_bucket"),
    ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws_s3_bucket_public_access_block"),
    ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
     "aws_s3_bucket_server_side_encryption_configuration"),
    ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws_s3_bucket_lifecycle_configuration"),
    ("aws:cloudtrail/trail:Trail", "aws_cloudtrail"),
    ("aws:cloudwatch/eventRule:EventRule", "aws_cloudwatch_event_rule"),
    ("aws:cloudwatch/logGroup:LogGroup", "aws_cloudwatch_log_group"),
    ("aws:sfn/stateMachine:StateMachine", "aws_sfn_state_machine"),
    ("aws:iam/rolePolicy:RolePolicy", "aws_iam_role_policy"),
    ("aws:kms/key:Key", "aws_kms_key"),
    ("aws:sqs/queuePolicy:QueuePolicy", "aws_sqs_queue_policy"),
    ("pulumi:providers:aws", None),
    ("pulumi:pulumi:Stack", None),
    ("s3-triggered-state-machine:index:S3TriggeredStateMachine", None),
])
def test_types(pulumi_type, terraform):
    assert terraform_type(pulumi_type) == terraform


def test_fields_blocks_and_maps():
    assert snake("s3BucketName") == "s3_bucket_name"
    assert snake("enableLogFileValidation") == "enable_log_file_validation"
    values = terraform_values({
        "versioningConfiguration": {"status": "Enabled"},
        "rules": [{"noncurrentVersionExpiration": {"noncurrentDays": 30}, "transitions": [{"days": 1}]}],
        "advancedEventSelectors": [{"fieldSelectors": [{"field": "eventName", "startsWiths": ["a"]}]}],
        "tags": {"CostCenter": "x"}, "inputPaths": {"bucketName": "$.detail"}, "policy": "{}", "gone": None,
        "__defaults": [],
    })
    assert values == {
        "versioning_configuration": [{"status": "Enabled"}],
        "rule": [{"noncurrent_version_expiration": [{"noncurrent_days": 30}], "transition": [{"days": 1}]}],
        "advanced_event_selector": [{"field_selector": [{"field": "eventName", "starts_with": ["a"]}]}],
        "tags": {"CostCenter": "x"}, "input_paths": {"bucketName": "$.detail"}, "policy": "{}",
    }


def test_references_come_from_property_dependencies():
    bucket_urn = "urn:pulumi:dev::p::aws:s3/bucket:Bucket::up-bucket"
    pab_urn = "urn:pulumi:dev::p::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::up-bucket-pab"
    records = [
        {"urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "type": "pulumi:pulumi:Stack"},
        {"urn": bucket_urn, "type": "aws:s3/bucket:Bucket", "id": "up-bucket-1a2b3c4",
         "inputs": {"bucket": "up-bucket-1a2b3c4"},
         "outputs": {"bucket": "up-bucket-1a2b3c4", "arn": "arn:aws:s3:::up-bucket-1a2b3c4"}},
        {"urn": pab_urn, "type": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "id": "up-bucket-1a2b3c4",
         "inputs": {"bucket": "up-bucket-1a2b3c4", "blockPublicAcls": True},
         "outputs": {"bucket": "up-bucket-1a2b3c4", "blockPublicAcls": True},
         "dependencies": [bucket_urn], "propertyDependencies": {"bucket": [bucket_urn]}},
    ]
    plan = render_plan(records)
    planned = plan["planned_values"]["root_module"]["resources"]
    assert [r["address"] for r in planned] == ["aws_s3_bucket.up_bucket",
                                               "aws_s3_bucket_public_access_block.up_bucket_pab"]
    assert planned[1]["values"] == {"bucket": "up-bucket-1a2b3c4", "block_public_acls": True}
    config = plan["configuration"]["root_module"]["resources"][1]
    assert config["expressions"] == {"bucket": {"references": ["aws_s3_bucket.up_bucket.id",
                                                               "aws_s3_bucket.up_bucket"]}}
    assert config["depends_on"] == ["aws_s3_bucket.up_bucket"]
    assert plan["format_version"] == "1.2" and len(plan["resource_changes"]) == 2


def test_names_are_unique_terraform_identifiers():
    records = [{"urn": f"urn:pulumi:dev::p::aws:sqs/queue:Queue::{n}", "type": "aws:sqs/queue:Queue",
                "outputs": {}} for n in ("a-b", "a_b", "1q")]
    names = [r["name"] for r in render_plan(records)["planned_values"]["root_module"]["resources"]]
    assert names == ["a_b", "a_b_2", "r_1q"]
