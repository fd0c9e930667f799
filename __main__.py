"""The AWS tutorial "Starting a State Machine Execution in Response to Amazon S3 Events", deployed with the component.

Prerequisite: the Helloworld state machine (unless `stateMachineArn` names one). Steps 1-3: the bucket, the trail and
the rule, all made by `S3TriggeredStateMachine`. Step 4 is an upload: see README.md.

The tutorial's fixed names (`S3Event`, `S3StepFunctions`, `Helloworld`) would collide with a second stack in the same
account and region, or with a console run of the tutorial. So by default the trail and rule are named after the stack
(`tutorial-<stack>-trail`, `tutorial-<stack>-rule`) and the state machine is auto-named; set `trailName`, `ruleName`
and `stateMachineName` to use the tutorial's names.
"""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from s3_triggered_state_machine import S3TriggeredStateMachine
from s3_triggered_state_machine import arns, kms, state_machine as sfn_docs
from s3_triggered_state_machine.names import default_rule_name, default_trail_name, name_problem
from s3_triggered_state_machine.state_machine import helloworld_definition, states_trust_policy

config = pulumi.Config()
stack = pulumi.get_stack()


def optional(key: str) -> Optional[str]:
    """A string key that is unset by default: Pulumi.yaml declares it with default "" (a key declared without a
    default would be required by the engine), and "" means unset."""
    return config.get(key) or None


state_machine_arn = optional("stateMachineArn")
delivery = config.get("delivery") or "cloudtrail"
trail_name = optional("trailName") or default_trail_name("tutorial", stack)
rule_name = optional("ruleName") or default_rule_name("tutorial", stack)
log_level = config.get("executionLogLevel") or sfn_docs.DEFAULT_LOG_LEVEL
include_execution_data = config.get_bool("includeExecutionData")
include_execution_data = (sfn_docs.DEFAULT_INCLUDE_EXECUTION_DATA if include_execution_data is None
                          else include_execution_data)
problem = sfn_docs.logging_problem(log_level, include_execution_data)
if problem:
    key = {"level": "executionLogLevel", "include_execution_data": "includeExecutionData"}[problem[0]]
    raise ValueError(f"config `{key}` = {problem[1]!r} is invalid: {problem[2]}")

account = aws.get_caller_identity().account_id
partition = aws.get_partition().partition
region = aws.get_region().region
helloworld_log_group_name = sfn_docs.log_group_name(optional("stateMachineName") or f"Helloworld-{stack}")

# `kmsKey`: a customer-managed key for the buckets, the trail, the dead-letter queue, the alarm topic and the
# Helloworld execution logs, whose key policy lets each of those services use it (components/s3_triggered_state_machine/kms.py).
key = None
if config.get_bool("kmsKey"):
    log_group_arns = ([f"arn:{partition}:logs:{region}:{account}:log-group:{helloworld_log_group_name}"]
                      if state_machine_arn is None else [])
    key = aws.kms.Key(
        "TriggerKey", description="Encrypts the S3-triggered state machine's buckets, trail, queue and logs",
        enable_key_rotation=True, deletion_window_in_days=30,
        policy=json.dumps(kms.key_policy(
            partition, account,
            rule_arns=[arns.rule_arn(partition, region, account, rule_name)],
            trail_arns=[arns.trail_arn(partition, region, account, trail_name)] if delivery == "cloudtrail" else [],
            alarms=True,
            extra=[kms.cloudwatch_logs_statement(partition, region, account, log_group_arns)] if log_group_arns
            else [])))
    aws.kms.Alias("TriggerKeyAlias", name=f"alias/s3-triggered-state-machine-{stack}", target_key_id=key.key_id)

if state_machine_arn is None:
    state_machine_name = optional("stateMachineName")
    problem = state_machine_name and name_problem("state_machine", state_machine_name)
    if problem:
        raise ValueError(f"config `stateMachineName` = {state_machine_name!r} is invalid: {problem}")
    helloworld_role = aws.iam.Role(
        "HelloworldRole", assume_role_policy=json.dumps(states_trust_policy(account)),
        description="Role of the tutorial's Helloworld state machine (a Pass state: it needs only logs and traces)")
    logging_policy = aws.iam.RolePolicy("HelloworldRole-logs-and-traces", role=helloworld_role.id,
                                        policy=json.dumps(sfn_docs.logging_and_tracing_policy()))
    log_group = aws.cloudwatch.LogGroup(
        "HelloworldLogs", name=helloworld_log_group_name, retention_in_days=sfn_docs.DEFAULT_LOG_RETENTION_DAYS,
        kms_key_id=key.arn if key else None)
    helloworld = aws.sfn.StateMachine(
        "Helloworld", name=state_machine_name, role_arn=helloworld_role.arn,
        definition=json.dumps(helloworld_definition()),
        logging_configuration=log_group.arn.apply(
            lambda arn: sfn_docs.logging_configuration(arn, log_level, include_execution_data)),
        tracing_configuration=sfn_docs.tracing_configuration(),
        opts=pulumi.ResourceOptions(depends_on=[logging_policy]))
    state_machine_arn = helloworld.arn

trigger = S3TriggeredStateMachine("tutorial", {
    "state_machine_arn": state_machine_arn,
    "bucket_name": optional("bucketName"),
    "delivery": config.get("delivery"),
    "key_prefix": optional("keyPrefix"),
    "key_suffix": optional("keySuffix"),
    "input_format": config.get("inputFormat"),
    "force_destroy": config.get_bool("forceDestroy"),
    "trail_name": optional("trailName"),
    "rule_name": optional("ruleName"),
    "kms_key_arn": key.arn if key else None,
    "access_logging": config.get_bool("accessLogging"),
    "noncurrent_version_expiration_days": config.get_int("noncurrentVersionExpirationDays"),
    "log_expiration_days": config.get_int("logExpirationDays"),
})

pulumi.export("bucketName", trigger.bucket_name)
pulumi.export("stateMachineArn", state_machine_arn)
pulumi.export("ruleName", trigger.rule_name)
pulumi.export("trailName", trigger.trail_name)
pulumi.export("eventPattern", trigger.event_pattern)
pulumi.export("deadLetterQueueArn", trigger.dead_letter_queue_arn)
pulumi.export("kmsKeyArn", key.arn if key else None)
