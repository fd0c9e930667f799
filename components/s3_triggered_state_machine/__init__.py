"""S3-triggered Step Functions, as a reusable Pulumi component (distribution `s3-triggered-state-machine`).

    from s3_triggered_state_machine import S3TriggeredStateMachine
    S3TriggeredStateMachine("uploads", {"state_machine_arn": machine.arn})

The code lives in the repository's components/s3_triggered_state_machine/ folder, the name it is imported by. The component (and pulumi_aws) is imported on first use, so the pure
modules (`s3_triggered_state_machine.target`, `.alarms`, ...) import without the Pulumi SDK: the operations command
(`s3_triggered_state_machine.operations`) reuses them.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ArgumentError": ".args",
    "S3TriggeredStateMachineArgs": ".args",
    "S3TriggeredStateMachine": ".component",
    "TYPE_TOKEN": ".component",
}

__all__ = ["ArgumentError", "S3TriggeredStateMachine", "S3TriggeredStateMachineArgs", "TYPE_TOKEN"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
