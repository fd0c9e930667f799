"""EventBridge mode with a key prefix and a key suffix: only keys with both start an execution.

The pattern uses one `wildcard` ("uploads/*.png"): a prefix and a suffix in one array would be ORed. Each negative
case is polled until a deadline (after the positive control has arrived), then asserted to have started nothing.

Substitute for AWS: the real Pulumi CLI + the stand-in aws provider's LocalStack backend + LocalStack 4.8.1; real
uploads, delivered by LocalStack (no injection)."""
from __future__ import annotations

import json

import pytest

from .helpers import Executions, deploy_tutorial, eventbridge_input_for, teardown, unique_key

pytestmark = pytest.mark.emulator

MATCHING = ("uploads/{u}-photo.png", "uploads/deep/{u}.png")
NOT_MATCHING = ("{u}-photo.png", "other/{u}.png", "uploads/{u}.jpg", "uploads/{u}.png.txt", "Uploads/{u}.png",
                "uploads/{u}.PNG")


@pytest.fixture(scope="module")
def stack(endpoint):
    deployed = deploy_tutorial(endpoint, "e2e-filters", delivery="eventbridge", forceDestroy="true",
                               keyPrefix="uploads/", keySuffix=".png")
    yield deployed
    teardown(deployed)


@pytest.fixture(scope="module")
def uploads(stack, aws):
    s3 = aws("s3")
    keys = {template: template.format(u=unique_key("")) for template in MATCHING + NOT_MATCHING}
    for key in keys.values():
        s3.put_object(Bucket=stack.bucket, Key=key, Body=b"x")
    found = Executions(aws("stepfunctions"), stack.state_machine_arn).wait_all(
        {t: eventbridge_input_for(stack.bucket, k) for t, k in keys.items()}, expect_some=set(MATCHING))
    return found


def test_the_deployed_pattern_filters_on_prefix_and_suffix_together(stack, aws):
    pattern = json.loads(aws("events").describe_rule(Name=stack.rule_name)["EventPattern"])
    assert pattern["detail"]["object"]["key"] == [{"wildcard": "uploads/*.png"}]


@pytest.mark.parametrize("template", MATCHING)
def test_a_matching_key_starts_exactly_one_execution(uploads, template):
    assert len(uploads[template]) == 1, uploads[template]


@pytest.mark.parametrize("template", NOT_MATCHING)
def test_a_key_without_the_prefix_and_the_suffix_starts_nothing(uploads, template):
    assert uploads[template] == []
