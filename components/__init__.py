"""S3-triggered Step Functions, as a reusable Pulumi component.

    from components import S3TriggeredStateMachine
    S3TriggeredStateMachine("uploads", {"state_machine_arn": machine.arn})
"""

from .args import ArgumentError, S3TriggeredStateMachineArgs
from .component import TYPE_TOKEN, S3TriggeredStateMachine

__all__ = ["ArgumentError", "S3TriggeredStateMachine", "S3TriggeredStateMachineArgs", "TYPE_TOKEN"]
