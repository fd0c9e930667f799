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

from components import S3TriggeredStateMachine
from components.names import name_problem
from components.state_machine import helloworld_definition, states_trust_policy

config = pulumi.Config()


def optional(key: str) -> Optional[str]:
    """A string key that is unset by default: Pulumi.yaml declares it with default "" (a key declared without a
    default would be required by the engine), and "" means unset."""
    return config.get(key) or None


state_machine_arn = optional("stateMachineArn")

if state_machine_arn is None:
    state_machine_name = optional("stateMachineName")
    problem = state_machine_name and name_problem("state_machine", state_machine_name)
    if problem:
        raise ValueError(f"config `stateMachineName` = {state_machine_name!r} is invalid: {problem}")
    account = aws.get_caller_identity().account_id
    helloworld_role = aws.iam.Role(
        "HelloworldRole", assume_role_policy=json.dumps(states_trust_policy(account)),
        description="Role of the tutorial's Helloworld state machine (a Pass state: it needs no permissions)")
    helloworld = aws.sfn.StateMachine(
        "Helloworld", name=state_machine_name, role_arn=helloworld_role.arn,
        definition=json.dumps(helloworld_definition()))
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
})

pulumi.export("bucketName", trigger.bucket_name)
pulumi.export("stateMachineArn", state_machine_arn)
pulumi.export("ruleName", trigger.rule_name)
pulumi.export("trailName", trigger.trail_name)
pulumi.export("eventPattern", trigger.event_pattern)
pulumi.export("deadLetterQueueArn", trigger.dead_letter_queue_arn)
