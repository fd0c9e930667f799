"""Boilerplate shared by the corpus programs: the parts no case is about (the state machine's own execution role, a
CloudTrail log bucket with its bucket policy, the usual least-privilege target role). Every case spells its own
bucket, trail, notification, rule, target and, where the case is about them, its role and permissions."""

import json

import pulumi
import pulumi_aws as aws


def env():
    """(region, account) of the default provider."""
    return aws.get_region().region, aws.get_caller_identity().account_id


def machine(name: str, opts: pulumi.ResourceOptions | None = None, **kwargs) -> aws.sfn.StateMachine:
    role = aws.iam.Role(f"{name}-exec", assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))
    return aws.sfn.StateMachine(name, name=name, role_arn=role.arn, definition=json.dumps(
        {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": True}}}), opts=opts, **kwargs)


def log_bucket(name: str, opts: pulumi.ResourceOptions | None = None) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    """A bucket CloudTrail may write to (any trail of the account)."""
    _, account = env()
    bucket = aws.s3.Bucket(name, bucket=name, force_destroy=True, opts=opts)
    policy = aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": arn},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"{arn}/AWSLogs/{account}/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]})), opts=opts)
    return bucket, policy


def events_role(name: str, rule_name: str, machine_arn, region: str | None = None) -> aws.iam.Role:
    """A role EventBridge may assume for rule ``rule_name`` only, allowed states:StartExecution on ``machine_arn``."""
    default_region, account = env()
    rule_arn = f"arn:aws:events:{region or default_region}:{account}:rule/{rule_name}"
    role = aws.iam.Role(name, assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                       "Condition": {"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": rule_arn}}}]}))
    aws.iam.RolePolicy(f"{name}-start", role=role.id, policy=pulumi.Output.from_input(machine_arn).apply(
        lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "states:StartExecution", "Resource": arn}]})))
    return role
