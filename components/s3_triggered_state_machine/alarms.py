"""The CloudWatch alarms that say the trigger failed, as pure functions of plain values.

One alarm per way an upload can fail to become a successful execution, in the order of the data's path:

| key | namespace / metric (dimension) | what it means |
| --- | --- | --- |
| `failed_invocations` | `AWS/Events` `FailedInvocations` (`RuleName`) | the rule could not start an execution, retries exhausted |
| `dead_letter_messages` | `AWS/SQS` `ApproximateNumberOfMessagesVisible` (`QueueName`) | events wait in the DLQ: redrive |
| `executions_failed` | `AWS/States` `ExecutionsFailed` (`StateMachineArn`) | an execution started and failed |
| `executions_timed_out` | `AWS/States` `ExecutionsTimedOut` (`StateMachineArn`) | an execution hit its timeout |
| `executions_aborted` | `AWS/States` `ExecutionsAborted` (`StateMachineArn`) | an execution was stopped |
| `executions_throttled` | `AWS/States` `ThrottledEvents` (`APIName` = `StartExecution`) | StartExecution calls were throttled |

Every metric name, namespace, dimension and statistic here is checked against AWS's documented metric lists in
tests/component/test_alarms.py. An alarm on a metric that does not exist never fires, and says nothing.

Missing data does not raise an alarm (`notBreaching`): EventBridge sends `FailedInvocations` only when it is not
zero, and Step Functions sends nothing for a state machine that does not run.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple, Optional

#: Alarm keys, in the order of the data's path (rule -> dead-letter queue -> state machine).
FAILED_INVOCATIONS = "failed_invocations"
DEAD_LETTER_MESSAGES = "dead_letter_messages"
EXECUTIONS_FAILED = "executions_failed"
EXECUTIONS_TIMED_OUT = "executions_timed_out"
EXECUTIONS_ABORTED = "executions_aborted"
EXECUTIONS_THROTTLED = "executions_throttled"
ALARM_KEYS = (FAILED_INVOCATIONS, DEAD_LETTER_MESSAGES, EXECUTIONS_FAILED, EXECUTIONS_TIMED_OUT, EXECUTIONS_ABORTED,
              EXECUTIONS_THROTTLED)

#: Defaults: one occurrence in one 5-minute period raises the alarm. Every one of these is a lost or failed upload.
DEFAULT_THRESHOLD = 1
DEFAULT_PERIOD_SECONDS = 300
DEFAULT_EVALUATION_PERIODS = 1
#: CloudWatch: period x evaluation periods at most one day. Periods of 10, 20 and 30 seconds exist only for
#: high-resolution metrics (StorageResolution 1); every metric here (AWS/Events, AWS/States, AWS/SQS) is a standard
#: one-minute metric, for which an alarm period must be a multiple of 60 (CloudWatch User Guide, "Using Amazon
#: CloudWatch alarms", Period; PutMetricAlarm API: "Valid values are 10, 20, 30, and any multiple of 60. ... Be sure
#: that the period is a multiple of 60 for standard-resolution metrics"). A shorter period lapses into
#: INSUFFICIENT_DATA, which `notBreaching` reads as fine: real failures would be missed.
MAX_PERIOD_SECONDS = 86400
HIGH_RESOLUTION_PERIODS = (10, 20, 30)
EVALUATION_PERIODS_RANGE = (1, 1440)

GREATER_OR_EQUAL = "GreaterThanOrEqualToThreshold"
NOT_BREACHING = "notBreaching"


class Metric(NamedTuple):
    namespace: str
    metric_name: str
    dimension: str        # the one dimension that selects this trigger's resource
    statistic: str
    summary: str          # what a breach means
    action: str           # what to do about it


#: The metric behind each alarm.
METRICS: dict[str, Metric] = {
    FAILED_INVOCATIONS: Metric(
        "AWS/Events", "FailedInvocations", "RuleName", "Sum",
        "the EventBridge rule could not start an execution, retries exhausted",
        "check the role's states:StartExecution permission and that the state machine exists; the events are in the "
        "dead-letter queue: redrive them"),
    DEAD_LETTER_MESSAGES: Metric(
        "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "Maximum",
        "events that could not start an execution wait in the dead-letter queue (kept 14 days)",
        "read the ERROR_CODE/ERROR_MESSAGE attributes, fix the cause, then redrive the queue"),
    EXECUTIONS_FAILED: Metric(
        "AWS/States", "ExecutionsFailed", "StateMachineArn", "Sum",
        "an execution started by an upload failed",
        "open the execution in the Step Functions console; fix the state machine, then restart it"),
    EXECUTIONS_TIMED_OUT: Metric(
        "AWS/States", "ExecutionsTimedOut", "StateMachineArn", "Sum",
        "an execution started by an upload timed out",
        "raise the state machine's TimeoutSeconds or find the stuck state"),
    EXECUTIONS_ABORTED: Metric(
        "AWS/States", "ExecutionsAborted", "StateMachineArn", "Sum",
        "an execution started by an upload was aborted (StopExecution)",
        "find who stopped it (CloudTrail StopExecution); restart it if the object still needs processing"),
    # Not `ExecutionThrottled` (by StateMachineArn): the Step Functions Developer Guide defines that as "The number
    # of StateEntered events and retries that have been throttled. This is related to StateTransition throttling",
    # i.e. transitions inside executions already running. Throttled StartExecution calls (the trigger's own call) are
    # the API metric `ThrottledEvents`, "The count of requests that have been throttled", with the dimension
    # `APIName` ("Filters data to an API of the specified API name"). It counts the whole account and region's
    # StartExecution calls (the quota is shared), not only this trigger's.
    EXECUTIONS_THROTTLED: Metric(
        "AWS/States", "ThrottledEvents", "APIName", "Sum",
        "Step Functions throttled StartExecution calls in this account and region (the trigger's and any other "
        "caller's: the quota is shared); EventBridge retries throttled calls, and events whose retries run out go "
        "to the dead-letter queue",
        "uploads (or other callers) outpace the account's StartExecution quota: ask for a quota increase or slow "
        "the producers; then redrive the dead-letter queue"),
}

#: The dimension value of each alarm that does not watch the trigger's own rule, queue or state machine.
START_EXECUTION_API = "StartExecution"


class Thresholds(NamedTuple):
    """Per-alarm threshold, the shared period and evaluation periods."""

    thresholds: Mapping[str, float]
    period_seconds: int = DEFAULT_PERIOD_SECONDS
    evaluation_periods: int = DEFAULT_EVALUATION_PERIODS


def default_thresholds() -> dict[str, float]:
    return {key: DEFAULT_THRESHOLD for key in ALARM_KEYS}


def period_problem(period: object) -> Optional[str]:
    """Why CloudWatch refuses `period` (seconds) for an alarm, or None."""
    if isinstance(period, bool) or not isinstance(period, int):
        return "it must be a whole number of seconds"
    if period >= 60 and period % 60 == 0 and period <= MAX_PERIOD_SECONDS:
        return None
    if period in HIGH_RESOLUTION_PERIODS:
        return (f"{period} s periods are for high-resolution metrics only; the trigger's metrics (AWS/Events, "
                "AWS/States, AWS/SQS) are standard one-minute metrics, so the alarm would sit in INSUFFICIENT_DATA "
                "and miss failures: use a multiple of 60 seconds (60 to 86400), e.g. 60 or 300")
    return "it must be a multiple of 60 seconds from 60 to 86400 (the trigger's metrics are one-minute metrics)"


def alarm_definition(key: str, dimension_value: str, threshold: float = DEFAULT_THRESHOLD,
                     period_seconds: int = DEFAULT_PERIOD_SECONDS,
                     evaluation_periods: int = DEFAULT_EVALUATION_PERIODS,
                     actions: tuple[str, ...] = (), trigger: str = "") -> dict:
    """The alarm `key` for one resource (`dimension_value`: the rule name, queue name or state machine ARN), in the
    argument names of `aws.cloudwatch.MetricAlarm`. Breaches, and recoveries, notify `actions` (SNS topic ARNs)."""
    m = METRICS[key]
    subject = f" of {trigger}" if trigger else ""
    return {
        "namespace": m.namespace,
        "metric_name": m.metric_name,
        "dimensions": {m.dimension: dimension_value},
        "statistic": m.statistic,
        "threshold": threshold,
        "period": period_seconds,
        "evaluation_periods": evaluation_periods,
        "comparison_operator": GREATER_OR_EQUAL,
        "treat_missing_data": NOT_BREACHING,
        "alarm_actions": list(actions),
        "ok_actions": list(actions),
        "alarm_description": (f"S3TriggeredStateMachine{subject}: {m.summary}. What to do: {m.action}. "
                              "(README: Operating the trigger)"),
    }


def alarm_definitions(rule_name: str, state_machine_arn: str, queue_name: Optional[str],
                      settings: Thresholds, actions: tuple[str, ...] = (), trigger: str = "") -> dict[str, dict]:
    """Every alarm of one trigger, by key. Without a dead-letter queue (`queue_name` None) there is no DLQ alarm."""
    targets = {FAILED_INVOCATIONS: rule_name, DEAD_LETTER_MESSAGES: queue_name, EXECUTIONS_THROTTLED: START_EXECUTION_API}
    found = {}
    for key in ALARM_KEYS:
        value = targets.get(key, state_machine_arn)
        if value is None:
            continue
        found[key] = alarm_definition(key, value, settings.thresholds.get(key, DEFAULT_THRESHOLD),
                                      settings.period_seconds, settings.evaluation_periods, actions, trigger)
    return found


def logical_suffix(key: str) -> str:
    """`-alarm-failed-invocations`: the alarm's logical name is the component name plus this."""
    return "-alarm-" + key.replace("_", "-")
