"""The tutorial's prerequisite, the Helloworld state machine, as pure functions."""

from __future__ import annotations


def helloworld_definition() -> dict:
    """A single Pass state, as in the Step Functions "Getting Started" tutorial: its output is its input."""
    return {
        "Comment": "Helloworld: started by each new object in the upload bucket",
        "StartAt": "Hello",
        "States": {"Hello": {"Type": "Pass", "End": True}},
    }


def states_trust_policy(account: str) -> dict:
    """Only Step Functions, for state machines in this account, may assume the state machine's role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }],
    }


# -- execution logging and X-Ray tracing ------------------------------------------------------------------------
#: Step Functions' log levels. ERROR (the default here) logs the executions that fail, time out or are aborted, with
#: the failing state: what an operator needs to act on an alarm, at one log event per failure. ALL logs every state
#: transition of every execution (several events per upload, each billed at CloudWatch Logs' ingestion price).
LOG_LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
DEFAULT_LOG_LEVEL = "ERROR"
#: Execution data (each state's input and output: the event, so the bucket, the key and the uploader's identity in
#: CloudTrail mode) is left out by default: object keys often carry personal data, and log groups are read by more
#: people than the bucket. Turn it on to debug a state machine.
DEFAULT_INCLUDE_EXECUTION_DATA = False
#: How long the execution logs are kept.
DEFAULT_LOG_RETENTION_DAYS = 365


def log_group_name(state_machine: str) -> str:
    """Step Functions' recommended prefix: log groups under /aws/vendedlogs/ do not hit CloudWatch Logs' resource
    policy size limit when many state machines log."""
    return f"/aws/vendedlogs/states/{state_machine}"


def logging_configuration(log_group_arn: str, level: str = DEFAULT_LOG_LEVEL,
                          include_execution_data: bool = DEFAULT_INCLUDE_EXECUTION_DATA) -> dict:
    """`aws.sfn.StateMachine(logging_configuration=...)`: Step Functions wants the log group's ARN with `:*`."""
    destination = log_group_arn if log_group_arn.endswith(":*") else f"{log_group_arn}:*"
    return {"log_destination": destination, "level": level, "include_execution_data": include_execution_data}


def tracing_configuration() -> dict:
    return {"enabled": True}


def logging_and_tracing_policy() -> dict:
    """The state machine role's permissions for execution logs and X-Ray traces. Step Functions documents these
    actions with `Resource: "*"`: log delivery is set up through account-level CloudWatch Logs APIs, and X-Ray's
    PutTraceSegments has no resource type."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ExecutionLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                           "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                           "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                "Resource": "*",
            },
            {
                "Sid": "XRayTraces",
                "Effect": "Allow",
                "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                           "xray:GetSamplingTargets"],
                "Resource": "*",
            },
        ],
    }


def logging_problem(level: object, include_execution_data: object) -> "tuple[str, object, str] | None":
    """(setting, value, why) for a log level or flag Step Functions refuses, or None."""
    if level not in LOG_LEVELS:
        return "level", level, "valid levels are " + ", ".join(LOG_LEVELS)
    if not isinstance(include_execution_data, bool):
        return "include_execution_data", include_execution_data, "it must be true or false"
    return None
