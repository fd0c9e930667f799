"""The tutorial's console setup, wired by hand with the resources and settings the consoles create: the comparison
stack of benchmarks/checkov_scan.py. Not a fixture of the policy pack (it breaks several policies on purpose).

Step 1, S3 console "Create bucket" with its defaults: public access blocked, ACLs off (bucket owner enforced), SSE-S3,
no versioning. Step 2, CloudTrail console "Create trail" S3Event: multi-region, management events read and write,
log file validation, a data-event selector on the bucket (basic selectors, read and write), and a new log bucket
with the policy the console writes. Step 3, the CloudWatch Events rule on PutObject only, the role the console
creates ("Create a new role for this specific resource": trusted by events.amazonaws.com, StartExecution on the
state machine) and the target with no retry policy or dead-letter queue. The Helloworld state machine and its role.
"""

import json

import pulumi
import pulumi_aws as aws

account = aws.get_caller_identity().account_id
region = aws.get_region().region
BUCKET, LOGS, TRAIL = "username-sfn-tutorial", "username-sfn-tutorial-storage", "S3Event"
trail_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{TRAIL}"


def console_bucket(logical: str, name: str) -> aws.s3.Bucket:
    bucket = aws.s3.Bucket(logical, bucket=name)
    aws.s3.BucketPublicAccessBlock(f"{logical}-public-access-block", bucket=bucket.bucket, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
    aws.s3.BucketOwnershipControls(f"{logical}-ownership", bucket=bucket.bucket,
                                   rule={"object_ownership": "BucketOwnerEnforced"})
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{logical}-encryption", bucket=bucket.bucket,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}, "bucket_key_enabled": True}])
    return bucket


uploads = console_bucket("uploads", BUCKET)
logs = console_bucket("storage", LOGS)
logs_policy = aws.s3.BucketPolicy("storage-policy", bucket=logs.bucket, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{LOGS}",
         "Condition": {"StringEquals": {"AWS:SourceArn": trail_arn}}},
        {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{LOGS}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceArn": trail_arn}}},
    ]}))
trail = aws.cloudtrail.Trail(
    "S3Event", name=TRAIL, s3_bucket_name=logs.bucket, is_multi_region_trail=True, include_global_service_events=True,
    enable_log_file_validation=True,
    event_selectors=[{"read_write_type": "All", "include_management_events": True,
                      "data_resources": [{"type": "AWS::S3::Object", "values": [f"arn:aws:s3:::{BUCKET}/"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]))

machine_role = aws.iam.Role("StepFunctions-Helloworld-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
machine = aws.sfn.StateMachine("Helloworld", name="Helloworld", role_arn=machine_role.arn, definition=json.dumps(
    {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}))

rule = aws.cloudwatch.EventRule("S3StepFunctions", name="S3StepFunctions", event_pattern=json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["PutObject"],
               "requestParameters": {"bucketName": [BUCKET]}}}))
events_role = aws.iam.Role("Amazon_EventBridge_Invoke_Step_Functions", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("Amazon_EventBridge_Invoke_Step_Functions-policy", role=events_role.id, policy=machine.arn.apply(
    lambda arn: json.dumps({"Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": ["states:StartExecution"], "Resource": [arn]}]})))
aws.cloudwatch.EventTarget("S3StepFunctions-target", rule=rule.name, arn=machine.arn, role_arn=events_role.arn)
