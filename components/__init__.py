"""S3-triggered Step Functions, as a reusable Pulumi component.

    from components import S3TriggeredStateMachine
    S3TriggeredStateMachine("uploads", {"state_machine_arn": machine.arn})

The component (and pulumi_aws) is imported on first use, so the pure modules (`components.target`,
`components.alarms`, ...) can be imported without the Pulumi SDK: the operations command (`operations/`) reuses
them.
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
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
