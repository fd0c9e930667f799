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
