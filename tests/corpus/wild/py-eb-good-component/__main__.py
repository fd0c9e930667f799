"""A user's own ComponentResource wraps the trigger (parents, prefixed names).

Everything is a child of an UploadTrigger component; the target waits for the component's permission child.
Correct on AWS.
"""

import json

import pulumi
import pulumi_aws as aws

region = aws.get_region().region
account = aws.get_caller_identity().account_id



class UploadTrigger(pulumi.ComponentResource):
    def __init__(self, name: str, bucket: aws.s3.Bucket, machine: aws.sfn.StateMachine, opts=None):
        super().__init__("acme:storage:UploadTrigger", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        aws.s3.BucketNotification(f"{name}-notify", bucket=bucket.id, eventbridge=True, opts=child)
        self.rule = aws.cloudwatch.EventRule(f"{name}-rule", event_pattern=pulumi.Output.json_dumps({
            "source": ["aws.s3"], "detail-type": ["Object Created"],
            "detail": {"bucket": {"name": [bucket.bucket]}, "object": {"key": [{"suffix": ".csv"}]}}}), opts=child)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=pulumi.Output.json_dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                           "Condition": {"ArnEquals": {"aws:SourceArn": self.rule.arn}}}]}), opts=child)
        permission = aws.iam.RolePolicy(f"{name}-start", role=role.id, policy=pulumi.Output.json_dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": machine.arn}]}), opts=child)
        queue = aws.sqs.Queue(f"{name}-dlq", opts=child)
        queue_policy = aws.sqs.QueuePolicy(f"{name}-dlq-policy", queue_url=queue.id, policy=pulumi.Output.json_dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                           "Resource": queue.arn, "Condition": {"ArnEquals": {"aws:SourceArn": self.rule.arn}}}]}),
            opts=child)
        aws.cloudwatch.EventTarget(f"{name}-target", rule=self.rule.name, arn=machine.arn, role_arn=role.arn,
                                   dead_letter_config={"arn": queue.arn},
                                   retry_policy={"maximum_retry_attempts": 4, "maximum_event_age_in_seconds": 900},
                                   opts=pulumi.ResourceOptions(parent=self, depends_on=[permission, queue_policy]))
        self.register_outputs({})


reports = aws.s3.Bucket("reports")
# The workflow every upload should start.
sfn_role = aws.iam.Role("workflow-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
workflow = aws.sfn.StateMachine("workflow", role_arn=sfn_role.arn, definition=json.dumps({
    "StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": True}}}))
UploadTrigger("reports-trigger", reports, workflow)
