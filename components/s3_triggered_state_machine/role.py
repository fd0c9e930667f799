"""The role EventBridge assumes to start the state machine: least privilege, as pure functions."""

from __future__ import annotations


def events_trust_policy(account: str, rule_arn: str) -> dict:
    """Only EventBridge, acting for this rule in this account, may assume the role (no confused deputy)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": rule_arn}},
        }],
    }


def start_execution_policy(state_machine_arn: str) -> dict:
    """`states:StartExecution` on this one state machine, and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": state_machine_arn}],
    }
