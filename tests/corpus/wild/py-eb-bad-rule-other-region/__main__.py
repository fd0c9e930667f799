"""The rule is created in another region than the bucket.

An explicit provider for the 'events' part of the stack in us-west-2, the bucket in the stack's us-east-2: S3
sends its events only in the bucket's region. The pattern is computed from bucket.id (unknown in preview): the
region does not depend on it.
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account = aws.get_caller_identity().account_id

landing = aws.s3.Bucket("landing")
aws.s3.BucketNotification("landing-to-eventbridge", bucket=landing.id, eventbridge=True)
west = aws.Provider("west", region="us-west-2")
sfn_role = aws.iam.Role("workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
workflow = aws.sfn.StateMachine("workflow", role_arn=sfn_role.arn, definition=json.dumps({
    "StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": True}}}), opts=pulumi.ResourceOptions(provider=west))
rule = aws.cloudwatch.EventRule("landing-object-created", event_pattern=pulumi.Output.json_dumps({
    "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [landing.id]}}}),
    opts=pulumi.ResourceOptions(provider=west))
events_role = aws.iam.Role("events-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                   "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}))
start = aws.iam.RolePolicy("events-role-start", role=events_role.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": workflow.arn}]}))
aws.cloudwatch.EventTarget("start-workflow", rule=rule.name, arn=workflow.arn, role_arn=events_role.arn,
                           opts=pulumi.ResourceOptions(provider=west, depends_on=[start]))
