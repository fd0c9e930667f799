"""The alarms' metrics exist: every namespace, metric name, dimension name and statistic is checked against AWS's
documented metric lists, quoted here. An alarm on a metric that does not exist never fires and says nothing.

Substitute used: none for the definitions (pure functions); Pulumi mocks for what the component registers.
"""

import pytest

from s3_triggered_state_machine import ArgumentError
from s3_triggered_state_machine.alarms import ALARM_KEYS, METRICS, Thresholds, alarm_definitions, default_thresholds, period_problem
from tests.component.conftest import ACCOUNT, REGION, STATE_MACHINE_ARN

# AWS's documented metrics, per namespace: {metric: (dimensions, a quote of its description)}.
DOCUMENTED = {
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
    # "Metrics that specify only the RuleName dimension refer to the default event bus."
    "AWS/Events": {
        "FailedInvocations": ({"RuleName"}, "The number of invocations that failed permanently. This doesn't include "
                              "invocations that are retried or invocations that succeeded after a retry attempt. ... "
                              "EventBridge only sends this metric to CloudWatch if it isn't zero."),
        "InvocationsSentToDlq": ({"RuleName"}, "The number of invocations that are moved to a dead-letter queue."),
        "InvocationsFailedToBeSentToDlq": ({"RuleName"}, "The number of invocations that couldn't be moved to a "
                                           "dead-letter queue."),
    },
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    # "The only dimension that Amazon SQS sends to CloudWatch is QueueName."
    "AWS/SQS": {
        "ApproximateNumberOfMessagesVisible": ({"QueueName"}, "The number of messages available for retrieval from "
                                               "the queue."),
    },
    # https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html, "Execution metrics" and
    # "Dimension for Step Functions execution metrics: StateMachineArn - The ARN of the state machine for the
    # execution in question."
    "AWS/States": {
        "ExecutionsFailed": ({"StateMachineArn"}, "The number of failed executions."),
        "ExecutionsTimedOut": ({"StateMachineArn"}, "The number of executions that time out for any reason."),
        "ExecutionsAborted": ({"StateMachineArn"}, "The number of aborted or terminated executions."),
        "ExecutionThrottled": ({"StateMachineArn"}, "The number of StateEntered events and retries that have been "
                               "throttled. This is related to StateTransition throttling."),
        # Same page, "API Metrics": "ThrottledEvents - The count of requests that have been throttled." with
        # "Dimension for Step Functions API Metrics: APIName - Filters data to an API of the specified API name."
        "ThrottledEvents": ({"APIName"}, "The count of requests that have been throttled."),
    },
}
# CloudWatch's statistics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html
# "Statistics"): "For the metrics that use Count as a unit, Sum and SampleCount tend to be the most useful" (EventBridge
# page); SQS's page: ApproximateNumberOfMessagesVisible "Reporting Criteria ... Valid Statistics: Average, Minimum,
# Maximum, Sum, Data Samples".
STATISTICS = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"}
USEFUL = {"FailedInvocations": {"Sum"}, "ApproximateNumberOfMessagesVisible": {"Maximum", "Average"},
          "ExecutionsFailed": {"Sum"}, "ExecutionsTimedOut": {"Sum"}, "ExecutionsAborted": {"Sum"},
          "ExecutionThrottled": {"Sum"}, "ThrottledEvents": {"Sum"}}
# The spelling trap: the throttling metric is singular, the others plural.
assert "ExecutionsThrottled" not in DOCUMENTED["AWS/States"]


@pytest.mark.parametrize("key", ALARM_KEYS)
def test_every_alarm_watches_a_documented_metric_with_its_documented_dimension(key):
    m = METRICS[key]
    assert m.namespace in DOCUMENTED, m.namespace
    assert m.metric_name in DOCUMENTED[m.namespace], f"{m.namespace} has no metric {m.metric_name!r}"
    dimensions, _quote = DOCUMENTED[m.namespace][m.metric_name]
    assert {m.dimension} == dimensions
    assert m.statistic in STATISTICS and m.statistic in USEFUL[m.metric_name]


def test_the_alarms_cover_the_issue_list_and_nothing_else():
    assert {(METRICS[k].namespace, METRICS[k].metric_name) for k in ALARM_KEYS} == {
        ("AWS/Events", "FailedInvocations"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/States", "ExecutionsFailed"), ("AWS/States", "ExecutionsTimedOut"),
        ("AWS/States", "ExecutionsAborted"), ("AWS/States", "ThrottledEvents")}


def test_the_throttling_alarm_watches_throttled_start_execution_calls():
    """Issue 18, point 7: `ExecutionThrottled` counts throttled state transitions inside running executions (the
    quote above); what the alarm promises, throttled StartExecution calls, is `ThrottledEvents` by `APIName`."""
    docs = alarm_definitions("r", STATE_MACHINE_ARN, "q", Thresholds(default_thresholds()))
    throttled = docs["executions_throttled"]
    assert (throttled["namespace"], throttled["metric_name"]) == ("AWS/States", "ThrottledEvents")
    assert throttled["dimensions"] == {"APIName": "StartExecution"}
    assert "StartExecution" in throttled["alarm_description"]


def test_definitions_are_plain_documents_with_actions_and_missing_data_not_breaching():
    docs = alarm_definitions("r", STATE_MACHINE_ARN, "q", Thresholds(default_thresholds()), ("arn:aws:sns:x:1:t",))
    assert set(docs) == set(ALARM_KEYS)
    assert docs["failed_invocations"]["dimensions"] == {"RuleName": "r"}
    assert docs["dead_letter_messages"]["dimensions"] == {"QueueName": "q"}
    assert docs["executions_failed"]["dimensions"] == {"StateMachineArn": STATE_MACHINE_ARN}
    for d in docs.values():
        assert d["treat_missing_data"] == "notBreaching"
        assert d["comparison_operator"] == "GreaterThanOrEqualToThreshold"
        assert d["alarm_actions"] == d["ok_actions"] == ["arn:aws:sns:x:1:t"]
        assert (d["threshold"], d["period"], d["evaluation_periods"]) == (1, 300, 1)
    assert "dead_letter_messages" not in alarm_definitions("r", STATE_MACHINE_ARN, None, Thresholds({}))


@pytest.mark.parametrize("period,ok", [(60, True), (300, True), (86400, True), (10, False), (20, False), (30, False),
                                       (90, False), (0, False), (86460, False), (True, False)])
def test_periods_follow_cloudwatch(period, ok):
    """PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any multiple of 60. ... Be sure to specify 10, 20,
    or 30 only for metrics that are stored by a PutMetricData call with a StorageResolution of 1. If you specify a
    period of 10, 20, or 30 for a metric that does not have sub-minute resolution, ... the alarm might often lapse
    into INSUFFICENT_DATA status." Every metric the alarms watch is a standard (one-minute) AWS service metric."""
    assert (period_problem(period) is None) is ok


# -- the component --------------------------------------------------------------------------------------------

def test_alarms_are_on_by_default_and_notify_a_topic_the_component_creates(deploy):
    run = deploy({})
    topic = run.one("sns/topic:Topic")
    alarms = run.of_type("MetricAlarm")
    assert len(alarms) == 6 and topic.name == "uploads-alarms"
    topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic.outputs['name']}"
    assert run.outputs["alarm_topic_arn"] == topic_arn
    assert all(a.inputs["alarmActions"] == [topic_arn] and a.inputs["treatMissingData"] == "notBreaching"
               for a in alarms)
    by_metric = {a.inputs["metricName"]: a.inputs for a in alarms}
    assert by_metric["FailedInvocations"]["dimensions"] == {"RuleName": "uploads-dev-rule"}
    assert by_metric["ExecutionsFailed"]["dimensions"] == {"StateMachineArn": STATE_MACHINE_ARN}
    assert by_metric["ThrottledEvents"]["dimensions"] == {"APIName": "StartExecution"}
    queue = run.one("sqs/queue:Queue")
    assert by_metric["ApproximateNumberOfMessagesVisible"]["dimensions"] == {"QueueName": queue.outputs["name"]}
    assert run.outputs["dead_letter_queue_url"].endswith("/" + queue.outputs["name"])
    assert set(run.outputs["alarm_names"]) == set(ALARM_KEYS)


def test_given_topics_thresholds_and_periods(deploy):
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:oncall"
    run = deploy({"alarm_topic_arns": [topic], "alarm_thresholds": {"executions_failed": 5},
                  "alarm_period_seconds": 60, "alarm_evaluation_periods": 3, "dead_letter_queue": False})
    assert not run.of_type("sns/topic:Topic") and run.outputs["alarm_topic_arn"] is None
    alarms = {a.inputs["metricName"]: a.inputs for a in run.of_type("MetricAlarm")}
    assert "ApproximateNumberOfMessagesVisible" not in alarms and len(alarms) == 5
    assert alarms["ExecutionsFailed"]["threshold"] == 5 and alarms["ExecutionsAborted"]["threshold"] == 1
    assert all(a["period"] == 60 and a["evaluationPeriods"] == 3 and a["okActions"] == [topic]
               for a in alarms.values())


def test_alarms_off(deploy):
    run = deploy({"alarms": False})
    assert not run.of_type("MetricAlarm") and not run.of_type("sns/topic:Topic")
    assert run.outputs["alarm_names"] == {}


@pytest.mark.parametrize("args,phrase", [
    ({"alarms": "yes"}, "argument `alarms` = 'yes' is invalid: it must be true or false"),
    ({"alarm_topic_arns": []}, "non-empty list of SNS topic ARNs"),
    ({"alarm_topic_arns": ["arn:aws:sqs:us-east-2:123456789012:q"]}, "not 'sns'"),
    ({"alarm_topic_arns": ["arn:aws:sns:eu-west-1:123456789012:t"]}, "notifies SNS topics in its own region only"),
    ({"alarms": False, "alarm_topic_arns": ["arn:aws:sns:us-east-2:123456789012:t"]}, "only with `alarms` true"),
    ({"alarm_thresholds": {"executions_throttled_typo": 1}}, "unknown alarm(s) 'executions_throttled_typo'"),
    ({"alarm_thresholds": {"executions_failed": 0}}, "must be a number above 0"),
    ({"alarm_period_seconds": 45}, "a multiple of 60 seconds"),
    ({"alarm_period_seconds": 10}, "high-resolution metrics only"),
    ({"alarm_period_seconds": 20}, "high-resolution metrics only"),
    ({"alarm_period_seconds": 30}, "high-resolution metrics only"),
    ({"alarm_evaluation_periods": 0}, "argument `alarm_evaluation_periods` = 0 is invalid"),
    ({"alarm_period_seconds": 3600, "alarm_evaluation_periods": 48}, "at most 86400 seconds"),
])
def test_bad_alarm_arguments_fail_before_anything_registers(deploy, args, phrase):
    from tests.component.conftest import Run, run_program
    from s3_triggered_state_machine import S3TriggeredStateMachine
    run = Run()
    with pytest.raises(ArgumentError) as error:
        run_program(lambda: S3TriggeredStateMachine("uploads", {"state_machine_arn": STATE_MACHINE_ARN, **args}),
                    run=run)
    assert phrase in str(error.value) and run.resources == []
