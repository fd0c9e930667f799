"""The component on a bucket that already holds objects (so that backfill has something to do), in EventBridge mode,
with the Helloworld state machine and the component's alarms. Exports the component's outputs under their own names."""

import json
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))  # the repository, for the stand-in-free imports
from s3_triggered_state_machine import S3TriggeredStateMachine  # noqa: E402
from s3_triggered_state_machine.state_machine import helloworld_definition, states_trust_policy  # noqa: E402

config = pulumi.Config()
account = aws.get_caller_identity().account_id
role = aws.iam.Role("HelloworldRole", assume_role_policy=json.dumps(states_trust_policy(account)))
machine = aws.sfn.StateMachine("Helloworld", role_arn=role.arn, definition=json.dumps(helloworld_definition()))
trigger = S3TriggeredStateMachine("ops", {
    "state_machine_arn": machine.arn,
    "existing_bucket_name": config.require("existingBucket"),
    "delivery": "eventbridge",
    "input_format": config.get("inputFormat"),
    "key_prefix": config.get("keyPrefix") or None,
    "key_suffix": config.get("keySuffix") or None,
    "alarm_period_seconds": config.get_int("alarmPeriodSeconds"),
})
pulumi.export("bucketName", trigger.bucket_name)
pulumi.export("stateMachineArn", machine.arn)
pulumi.export("ruleName", trigger.rule_name)
pulumi.export("eventPattern", trigger.event_pattern)
pulumi.export("deadLetterQueueArn", trigger.dead_letter_queue_arn)
pulumi.export("deadLetterQueueUrl", trigger.dead_letter_queue_url)
pulumi.export("alarmTopicArn", trigger.alarm_topic_arn)
pulumi.export("alarmNames", trigger.alarm_names)
