"""Two BucketNotification resources on one bucket.

One module turns EventBridge notifications on, another adds a queue notification with its own
BucketNotification: each replaces the bucket's whole configuration, the last one written wins, and EventBridge
delivery depends on which.
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account = aws.get_caller_identity().account_id

landing = aws.s3.Bucket("landing")
aws.s3.BucketNotification("landing-to-eventbridge", bucket=landing.id, eventbridge=True)
audit_queue = aws.sqs.Queue("audit")
audit_queue_policy = aws.sqs.QueuePolicy("audit-policy", queue_url=audit_queue.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
                   "Resource": audit_queue.arn, "Condition": {"ArnEquals": {"aws:SourceArn": landing.arn}}}]}))
aws.s3.BucketNotification("landing-to-audit", bucket=landing.id,
                          queues=[{"queue_arn": audit_queue.arn, "events": ["s3:ObjectCreated:*"]}],
                          opts=pulumi.ResourceOptions(depends_on=[audit_queue_policy]))
# The workflow every upload should start.
sfn_role = aws.iam.Role("workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
workflow = aws.sfn.StateMachine("workflow", role_arn=sfn_role.arn, definition=json.dumps({
    "StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": True}}}))

rule = aws.cloudwatch.EventRule("landing-object-created", event_pattern=landing.bucket.apply(lambda name: json.dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [name]}}})))
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
