"""`redrive`: start, for each event in the dead-letter queue, the execution the rule's target would have started.

A message from an EventBridge target's dead-letter queue has the original event as its body and the attributes
RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE. The execution input is the target's: the event for
`input_format="event"`, the input transformer's document for `"object"` (`components.target.execution_input`).

A message is deleted only after its execution has started (or had already been started, by a redrive that stopped
before deleting it: execution names derive from the event's id). A message that fails again stays in the queue,
visible again at the end of the run, and the reason is printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, TextIO

from ..rule import CLOUDTRAIL, CLOUDTRAIL_DETAIL_TYPE, EVENTBRIDGE, OBJECT_CREATED_DETAIL_TYPE
from ..target import execution_input

from .documents import redrive_execution_name
from .starter import ALREADY, STARTED, OperationError, Starter, check_state_machine, error_code, error_message

ATTRIBUTES = ("RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE")


@dataclass
class RedriveSummary:
    queue_url: str
    dry_run: bool
    received: int = 0
    would_start: int = 0
    started: int = 0
    already_started: int = 0
    deleted: int = 0
    failed: int = 0
    kept: int = 0
    throttled_retries: int = 0
    stopped_at_limit: bool = False
    failures: list = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.dry_run:
            return [f"summary: dry run: {self.received} message(s) read, {self.would_start} execution(s) would be "
                    "started; nothing was started or deleted"]
        return [f"summary: {self.received} message(s) read, {self.started} execution(s) started, "
                f"{self.already_started} already started, {self.deleted} message(s) deleted, {self.failed} failed "
                f"again and kept in the queue, {self.throttled_retries} throttled call(s) retried"]


def _attribute(message: dict, name: str) -> Optional[str]:
    value = (message.get("MessageAttributes") or {}).get(name)
    return value.get("StringValue") if isinstance(value, dict) else None


def delivery_of(event: dict) -> Optional[str]:
    detail_type = event.get("detail-type")
    return {OBJECT_CREATED_DETAIL_TYPE: EVENTBRIDGE, CLOUDTRAIL_DETAIL_TYPE: CLOUDTRAIL}.get(detail_type)


def run_redrive(*, sqs: Any, sfn: Any, queue_url: str, input_format: str, state_machine_arn: Optional[str] = None,
                default_state_machine_arn: Optional[str] = None, delivery: Optional[str] = None, limit: Optional[int] = None, dry_run: bool = False,
                rate: float = 25.0, visibility_timeout: int = 60, out: Optional[TextIO] = None,
                starter: Optional[Starter] = None) -> RedriveSummary:
    write: Callable[[str], None] = (lambda line: print(line, file=out, flush=True))
    starter = starter or Starter(sfn, rate=rate)
    summary = RedriveSummary(queue_url, dry_run)
    checked: set[str] = set()
    keep: list[str] = []            # receipt handles to make visible again at the end
    write(f"redrive: {queue_url} -> {state_machine_arn or 'each message TARGET_ARN'} (input {input_format}"
          f"{', dry run' if dry_run else ''})")
    try:
        while limit is None or summary.received < limit:
            want = 10 if limit is None else max(1, min(10, limit - summary.received))
            try:
                messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=want, WaitTimeSeconds=1,
                                               VisibilityTimeout=visibility_timeout, MessageAttributeNames=["All"],
                                               AttributeNames=["All"]).get("Messages", [])
            except Exception as error:
                code = error_code(error)
                if "NonExistentQueue" in code or code == "QueueDoesNotExist":
                    raise OperationError(f"no such queue: {queue_url}") from error
                if code in ("AccessDenied", "AccessDeniedException"):
                    raise OperationError(f"no permission to read {queue_url} ({code}): sqs:ReceiveMessage, "
                                         "sqs:DeleteMessage and sqs:ChangeMessageVisibility are needed") from error
                raise
            if not messages:
                break
            for message in messages:
                summary.received += 1
                handle, message_id = message["ReceiptHandle"], message["MessageId"]
                error_code_attr = _attribute(message, "ERROR_CODE") or "?"
                error_text = _attribute(message, "ERROR_MESSAGE") or ""
                target = state_machine_arn or _attribute(message, "TARGET_ARN") or default_state_machine_arn

                def fail(reason: str) -> None:
                    summary.failed += 1
                    summary.failures.append({"message_id": message_id, "reason": reason})
                    keep.append(handle)
                    write(f"FAILED message {message_id}: {reason}; it stays in the queue")

                try:
                    event = json.loads(message["Body"])
                except ValueError as error:
                    fail(f"its body is not JSON ({error})")
                    continue
                if not target:
                    fail("no TARGET_ARN attribute and no --state-machine-arn")
                    continue
                mode = delivery or delivery_of(event)
                if input_format == "object" and mode is None:
                    fail(f"its detail-type {event.get('detail-type')!r} is not an S3 event of this trigger")
                    continue
                document = execution_input(input_format, mode or EVENTBRIDGE, event)
                name = redrive_execution_name(event, message_id)
                what = f"message {message_id} (dead-lettered with {error_code_attr}: {error_text})".rstrip(": )") + ")"
                if dry_run:
                    summary.would_start += 1
                    keep.append(handle)
                    write(f"would start {name} on {target} for {what}")
                    continue
                try:  # a message's own target may be gone: that message fails, the others are redriven
                    if target not in checked:
                        check_state_machine(sfn, target)
                        checked.add(target)
                    outcome = starter.start(target, name, document)
                except OperationError as error:
                    fail(str(error))
                    continue
                if outcome.status in (STARTED, ALREADY):
                    if outcome.status == STARTED:
                        summary.started += 1
                    else:
                        summary.already_started += 1
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
                    summary.deleted += 1
                    write(f"{outcome.status} {name} for {what}; message deleted")
                else:
                    fail(f"StartExecution failed again: {outcome.reason}")
    finally:
        for handle in keep:  # visible again now, not after the visibility timeout
            try:
                sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
            except Exception as error:  # the message stays either way; it reappears after the timeout
                write(f"note: could not make a kept message visible again ({error_message(error)})")
        summary.kept = len(keep)
    if limit is not None and summary.received >= limit:
        summary.stopped_at_limit = True
        write(f"limit of {limit} reached")
    summary.throttled_retries = starter.retries
    for line in summary.lines():
        write(line)
    return summary

