"""CDK-like CloudTrail trigger that matches PutObject only.

The tutorial's console rule, rebuilt from outputs: eventName PutObject alone, so every upload above the
multipart threshold (CompleteMultipartUpload) is lost. The pattern is computed from bucket.arn: unknown in
preview, and whether it matches multipart uploads only the pattern says.
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account = aws.get_caller_identity().account_id

uploads = aws.s3.Bucket("uploads")
# The workflow every upload should start.
sfn_role = aws.iam.Role("workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
workflow = aws.sfn.StateMachine("workflow", role_arn=sfn_role.arn, definition=json.dumps({
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
    advanced_event_selectors=[{"name": "uploads", "field_selectors": [
    {"field": "eventCategory", "equals": ["Data"]},
    {"field": "resources.type", "equals": ["AWS::S3::Object"]},
    {"field": "resources.ARN", "starts_withs": [uploads.arn.apply(lambda arn: f"{arn}/")]},
    {"field": "eventName", "equals": ["PutObject", "CompleteMultipartUpload", "CopyObject"]},
    {"field": "readOnly", "equals": ["false"]}]}],
    opts=pulumi.ResourceOptions(depends_on=[trail_logs_policy]))

rule = aws.cloudwatch.EventRule("on-put-object", event_pattern=uploads.arn.apply(lambda arn: json.dumps({
    "source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"resources": {"ARN": [arn]}, "eventSource": ["s3.amazonaws.com"], "eventName": ["PutObject"]}})))
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
aws.cloudwatch.EventTarget("start-workflow", rule=rule.name, arn=workflow.arn, role_arn=events_role.arn,
                           dead_letter_config={"arn": dlq.arn},
                           retry_policy={"maximum_retry_attempts": 8, "maximum_event_age_in_seconds": 3600},
                           opts=pulumi.ResourceOptions(depends_on=[start, dlq_policy]))
