"""Starting executions: rate-limited below Step Functions' StartExecution quota, throttling retried, and every
outcome named (started, already started, failed with the reason). Shared by `redrive` and `backfill`."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Optional

from .documents import TokenBucket, backoff

#: StartExecution's quota for Standard workflows is a token bucket of 800 (1,300 in the largest regions) refilled at
#: 150 per second (300 in the largest regions), shared by the whole account and region. The default stays far below,
#: so that uploads arriving during a backfill or redrive still start.
DEFAULT_RATE = 25.0
DEFAULT_BURST = 25
THROTTLING_CODES = ("ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
                    "ServiceUnavailable", "InternalServerError")
MAX_ATTEMPTS = 8

STARTED = "started"
ALREADY = "already started"
FAILED = "failed"


class OperationError(RuntimeError):
    """Stops the whole command: the cause is not one object's or message's (no bucket, no permission, ...)."""


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def error_message(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Message", "")) or str(error)


@dataclass
class Outcome:
    status: str                 # STARTED, ALREADY or FAILED
    execution_arn: Optional[str] = None
    reason: str = ""


@dataclass
class Starter:
    sfn: Any
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    retries: int = 0            # throttled calls retried, for the summary
    _bucket: TokenBucket = field(init=False)

    def __post_init__(self) -> None:
        self._bucket = TokenBucket(self.rate, self.burst, self.clock())

    def start(self, state_machine_arn: str, name: str, document: Any) -> Outcome:
        """StartExecution with this name and input. A name already used (by an earlier run) is ALREADY, not a
        failure: Standard workflows refuse a reused name for 90 days, which is what makes re-runs safe."""
        payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            delay = self._bucket.wait(self.clock())
            if delay:
                self.sleep(delay)
            try:
                resp = self.sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=payload)
                return Outcome(STARTED, resp.get("executionArn"))
            except Exception as error:  # botocore's ClientError, without importing botocore here
                code = error_code(error)
                if code == "ExecutionAlreadyExists":
                    arn = f"{state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"
                    return Outcome(ALREADY, arn, "an execution of this name exists (started by an earlier run)")
                if code in THROTTLING_CODES and attempt < MAX_ATTEMPTS:
                    self.retries += 1
                    self.sleep(backoff(attempt))
                    continue
                if code in ("StateMachineDoesNotExist", "StateMachineDeleting"):
                    raise OperationError(f"the state machine {state_machine_arn} is missing ({code}): "
                                         f"{error_message(error)}") from error
                if code in ("AccessDeniedException", "AccessDenied", "UnrecognizedClientException"):
                    raise OperationError(f"no permission to start executions of {state_machine_arn} ({code}): "
                                         f"{error_message(error)}; states:StartExecution is needed") from error
                if not code:
                    raise
                return Outcome(FAILED, None, f"{code}: {error_message(error)}")
        return Outcome(FAILED, None, "throttled on every attempt")  # pragma: no cover - the loop returns


def check_state_machine(sfn: Any, state_machine_arn: str) -> dict:
    """DescribeStateMachine, with the two errors a user can fix named plainly."""
    try:
        return sfn.describe_state_machine(stateMachineArn=state_machine_arn)
    except Exception as error:
        code = error_code(error)
        if code in ("StateMachineDoesNotExist", "InvalidArn"):
            raise OperationError(f"the state machine {state_machine_arn} is missing ({code}): "
                                 f"{error_message(error)}") from error
        if code in ("AccessDeniedException", "AccessDenied"):
            raise OperationError(f"no permission to describe {state_machine_arn} ({code}): "
                                 "states:DescribeStateMachine is needed") from error
        raise


def express_warning(description: dict) -> Optional[str]:
    if description.get("type") == "EXPRESS":
        return ("warning: this is an EXPRESS state machine: Step Functions does not deduplicate Express execution "
                "names, so a second run starts every execution again")
    return None


def summary_json(summary: Any) -> str:
    """A run's summary (a dataclass) as the JSON the --summary file holds, for redrive and backfill alike."""
    return json.dumps(asdict(summary), indent=2, ensure_ascii=False, default=str)  # datetimes as ISO text
