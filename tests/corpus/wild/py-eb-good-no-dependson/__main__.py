"""EventBridge trigger wired by hand without depends_on: correct, with an ordering advisory.

Everything is right on AWS once deployed; the target does not wait for its permission, which the advisory
s3-trigger-target-after-permissions reports. No mandatory policy may refuse it.
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account = aws.get_caller_identity().account_id

landing = aws.s3.Bucket("landing")
aws.s3.BucketNotification("landing-to-eventbridge", bucket=landing.id, eventbridge=True)
# The workflow every upload should start.
sfn_role = aws.iam.Role("workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
workflow = aws.sfn.StateMachine("workflow", role_arn=sfn_role.arn, definition=json.dumps({
    "StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": True}}}))

rule = aws.cloudwatch.EventRule("landing-object-created", event_pattern=pulumi.Output.json_dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [landing.id]}}}))
# The role EventBridge assumes to start the workflow: this rule only, StartExecution only.
events_role = aws.iam.Role("events-role", assume_role_policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                   "Condition": {"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": rule.arn}}}]}))
start = aws.iam.RolePolicy("events-role-start", role=events_role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": workflow.arn}]}))
aws.cloudwatch.EventTarget("start-workflow", rule=rule.name, arn=workflow.arn, role_arn=events_role.arn)
