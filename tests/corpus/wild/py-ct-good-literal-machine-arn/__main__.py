"""The target names the in-stack workflow by a literal ARN; the role policy uses workflow.arn.

A common mix: the target's ARN is assembled from the machine's name, region and account, while the role's
permission is computed from the machine's ARN output. Correct on AWS: preview must not refuse it.
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account = aws.get_caller_identity().account_id

uploads = aws.s3.Bucket("uploads")
sfn_role = aws.iam.Role("workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
workflow = aws.sfn.StateMachine("workflow", name="orders-ingest", role_arn=sfn_role.arn, definition=json.dumps({
    "StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": True}}}))
# CloudTrail's own log bucket, with the policy CloudTrail needs to write into it.
trail_logs = aws.s3.Bucket("trail-logs", force_destroy=True)
trail_logs_policy = aws.s3.BucketPolicy("trail-logs-policy", bucket=trail_logs.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": trail_logs.arn},
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": pulumi.Output.concat(trail_logs.arn, "/AWSLogs/", account, "/*"),
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}))

trail = aws.cloudtrail.Trail("uploads-trail", s3_bucket_name=trail_logs.id, include_global_service_events=False,
    event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": False,
                      "data_resources": [{"type": "AWS::S3::Object", "values": [uploads.arn.apply(lambda a: f"{a}/")]}]}],
    opts=pulumi.ResourceOptions(depends_on=[trail_logs_policy]))

rule = aws.cloudwatch.EventRule("uploads-written", name="orders-uploads-written",
    event_pattern=uploads.bucket.apply(lambda name: json.dumps({
        "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
                   "requestParameters": {"bucketName": [name]}}})))
# The role EventBridge assumes to start the workflow: this rule only, StartExecution only.
events_role = aws.iam.Role("events-role", assume_role_policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                   "Condition": {"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": rule.arn}}}]}))
start = aws.iam.RolePolicy("events-role-start", role=events_role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": workflow.arn}]}))
# Dead-letter queue for events EventBridge cannot deliver; only this rule may write to it.
dlq = aws.sqs.Queue("trigger-dlq", message_retention_seconds=1209600)
dlq_policy = aws.sqs.QueuePolicy("trigger-dlq-policy", queue_url=dlq.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                   "Resource": dlq.arn, "Condition": {"ArnEquals": {"aws:SourceArn": rule.arn}}}]}))
aws.cloudwatch.EventTarget("start-workflow", rule=rule.name, arn=f"arn:aws:states:{region}:{account}:stateMachine:orders-ingest", role_arn=events_role.arn,
                           dead_letter_config={"arn": dlq.arn},
                           retry_policy={"maximum_retry_attempts": 8, "maximum_event_age_in_seconds": 3600},
                           opts=pulumi.ResourceOptions(depends_on=[start, dlq_policy]))
