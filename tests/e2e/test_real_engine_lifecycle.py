"""The stack's lifecycle on the real Pulumi CLI against LocalStack, as the project's issue asks: up, an upload starting
Helloworld, a second up with no changes, a config change that updates the rule in place and keeps the bucket, a
destroy refused while the bucket holds an object, then forceDestroy; and a fresh stack that needs no config.

Substitute for AWS: the real Pulumi CLI (scripts/pulumi through proof.stack.ThrowawayStack) + the stand-in aws
provider's LocalStack backend + LocalStack 4.8.1, EventBridge mode (LocalStack delivers that path itself: no
injection). One module-scoped stack of the tutorial `__main__.py`; the tests run in file order and each builds on the
previous one (a -> d). (e) uses the offline backend (no LocalStack needed).
"""
from __future__ import annotations

import json

import pytest
import yaml

from proof.stack import ThrowawayStack

from .helpers import REPO, Executions, deploy_tutorial, eventbridge_input_for

pytestmark = pytest.mark.emulator

BUCKET = "aws:s3/bucket:Bucket"


@pytest.fixture(scope="module")
def stack(endpoint):
    deployed = deploy_tutorial(endpoint, "e2e-lifecycle", delivery="eventbridge")  # forceDestroy: false (default)
    yield deployed
    st = deployed.stack
    try:
        if st.resources():  # a test failed before (d) finished: clean up for the next modules
            st.set_config({"forceDestroy": "true"})
            st.up()
            st.destroy()
    finally:
        st.remove()


def test_a_up_then_an_upload_of_test_png_starts_one_helloworld_execution(stack, aws):
    assert stack.up.returncode == 0 and "created" in stack.up.stdout
    assert ":stateMachine:Helloworld-" in stack.state_machine_arn
    aws("s3").put_object(Bucket=stack.bucket, Key="test.png", Body=b"\x89PNG\r\n")
    found = Executions(aws("stepfunctions"), stack.state_machine_arn).wait(
        eventbridge_input_for(stack.bucket, "test.png"))
    assert len(found) == 1, found
    (execution_input,) = found
    print("execution input:", json.dumps(execution_input, indent=2))
    assert execution_input["source"] == "aws.s3" and execution_input["detail-type"] == "Object Created"
    assert execution_input["detail"]["bucket"]["name"] == stack.bucket
    assert execution_input["detail"]["object"]["key"] == "test.png"


def test_b_a_second_up_reports_no_changes(stack):
    again = stack.stack.up("--expect-no-changes")  # the engine itself fails the update if anything would change
    assert again.returncode == 0
    summary = again.stdout[again.stdout.index("Resources:"):]
    assert "unchanged" in summary
    assert not any(word in summary for word in ("created", "updated", "replaced", "deleted")), summary


def test_c_changing_key_prefix_updates_the_rule_and_keeps_the_bucket(stack, aws):
    before = stack.resource(BUCKET, "tutorial-bucket")
    stack.stack.set_config({"keyPrefix": "uploads/"})
    update = stack.stack.up()
    after = stack.stack.resource(BUCKET, "tutorial-bucket")
    assert after["id"] == before["id"] == stack.stack.outputs()["bucketName"] == stack.bucket
    assert " ~  aws:cloudwatch:EventRule tutorial-rule updated" in update.stdout
    assert not [line for line in update.stdout.splitlines() if "aws:s3:Bucket " in line and "replac" in line]
    assert "replaced" not in update.stdout[update.stdout.index("Resources:"):]
    pattern = json.loads(aws("events").describe_rule(Name=stack.rule_name)["EventPattern"])
    assert pattern["detail"]["object"]["key"] == [{"prefix": "uploads/"}]
    assert pattern["detail"]["bucket"]["name"] == [stack.bucket]


def test_d_destroy_refuses_a_bucket_holding_an_object_then_force_destroy_removes_it(stack, aws):
    s3 = aws("s3")
    s3.put_object(Bucket=stack.bucket, Key="uploads/keep.png", Body=b"keep")
    refused = stack.stack.destroy(check=False)
    assert refused.returncode != 0
    assert f"bucket {stack.bucket!r} is not empty" in refused.output and "forceDestroy" in refused.output
    assert s3.get_object(Bucket=stack.bucket, Key="uploads/keep.png")["Body"].read() == b"keep"
    assert [r["id"] for r in stack.stack.resources() if r["type"] == BUCKET] == [stack.bucket]

    stack.stack.set_config({"forceDestroy": "true"})
    stack.stack.up()
    assert stack.stack.resource(BUCKET, "tutorial-bucket")["id"] == stack.bucket  # updated in place, not replaced
    stack.stack.destroy()
    assert stack.stack.resources() == []
    assert stack.bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}


def test_e_a_fresh_stack_needs_no_config():
    with ThrowawayStack(REPO, stack="e2e-fresh") as st:  # `pulumi stack init`; no config set at all
        settings = yaml.safe_load(st.config_file.read_text()) if st.config_file.exists() else None
        assert not (settings or {}).get("config"), settings
        up = st.up()
        assert up.returncode == 0 and "created" in up.stdout
        assert st.outputs()["bucketName"].startswith("tutorial-bucket-")
        st.destroy()
