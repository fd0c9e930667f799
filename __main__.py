"""The AWS tutorial "Starting a State Machine Execution in Response to Amazon S3 Events", deployed with the component.

Prerequisite: the Helloworld state machine (unless `stateMachineArn` names one). Steps 1-3: the bucket, the trail
`S3Event` and the rule `S3StepFunctions`, all made by `S3TriggeredStateMachine`. Step 4 is an upload: see README.md.
"""

import json

import pulumi
import pulumi_aws as aws

from components import S3TriggeredStateMachine
from components.state_machine import helloworld_definition, states_trust_policy

config = pulumi.Config()
state_machine_arn = config.get("stateMachineArn")

if state_machine_arn is None:
    account = aws.get_caller_identity().account_id
    helloworld_role = aws.iam.Role(
        "HelloworldRole", assume_role_policy=json.dumps(states_trust_policy(account)),
        description="Role of the tutorial's Helloworld state machine (a Pass state: it needs no permissions)")
    helloworld = aws.sfn.StateMachine(
        "Helloworld", name="Helloworld", role_arn=helloworld_role.arn,
        definition=json.dumps(helloworld_definition()))
    state_machine_arn = helloworld.arn

trigger = S3TriggeredStateMachine("tutorial", {
    "state_machine_arn": state_machine_arn,
    "bucket_name": config.get("bucketName"),
    "delivery": config.get("delivery"),
    "key_prefix": config.get("keyPrefix"),
    "key_suffix": config.get("keySuffix"),
    "input_format": config.get("inputFormat"),
    "force_destroy": config.get_bool("forceDestroy"),
    "trail_name": "S3Event",
    "rule_name": "S3StepFunctions",
})

pulumi.export("bucketName", trigger.bucket_name)
pulumi.export("stateMachineArn", state_machine_arn)
pulumi.export("ruleName", trigger.rule_name)
pulumi.export("trailName", trigger.trail_name)
pulumi.export("eventPattern", trigger.event_pattern)
pulumi.export("deadLetterQueueArn", trigger.dead_letter_queue_arn)
