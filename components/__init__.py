"""S3-triggered Step Functions, as a reusable Pulumi component (distribution `s3-triggered-state-machine`).

    from s3_triggered_state_machine import S3TriggeredStateMachine
    S3TriggeredStateMachine("uploads", {"state_machine_arn": machine.arn})

The code lives in the repository's components/ folder; it is installed and imported as `s3_triggered_state_machine`
(pyproject.toml maps the name to the folder). The component (and pulumi_aws) is imported on first use, so the pure
modules (`s3_triggered_state_machine.target`, `.alarms`, ...) import without the Pulumi SDK: the operations command
(`s3_triggered_state_machine.operations`) reuses them.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

if __name__ == "components":
    # Imported by the folder's name (the repository root on sys.path), the 0.1 spelling: it works for one release.
    warnings.warn("`import components` is deprecated: the package is `s3_triggered_state_machine` "
                  "(pip install s3-triggered-state-machine; from s3_triggered_state_machine import "
                  "S3TriggeredStateMachine). `components` keeps working until 0.3.", DeprecationWarning, stacklevel=2)

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
