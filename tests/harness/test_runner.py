"""harness.runner: runs a Pulumi program in-process and returns the graph the engine would see."""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path

import pytest

from harness.mock_outputs import MockBackend
from harness.runner import UNKNOWN, ConfigError, ProgramError, ResourceRequest, load_stack_config, run_program

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "runner"
BASIC = FIXTURES / "basic"
PROJECT = "runner-basic"


@pytest.fixture(scope="module")
def preview_run():
    return run_program(BASIC, preview=True)


@pytest.fixture(scope="module")
def update_run():
    return run_program(BASIC, preview=False)


def test_records_every_resource_with_engine_urns(preview_run):
    urns = {r.urn for r in preview_run.resources}
    assert f"urn:pulumi:dev::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-dev" in urns
    # Top-level resources are not qualified by the stack's type; children are qualified by their parent's.
    assert f"urn:pulumi:dev::{PROJECT}::aws:iam/role:Role::target-role" in urns
    assert f"urn:pulumi:dev::{PROJECT}::runner-basic:index:Uploads::uploads" in urns
    assert f"urn:pulumi:dev::{PROJECT}::runner-basic:index:Uploads$aws:s3/bucket:Bucket::uploads-bucket" in urns
    types = [r.type for r in preview_run.resources]
    for t in ("aws:s3/bucket:Bucket", "aws:cloudwatch/eventRule:EventRule", "aws:iam/role:Role",
              "aws:sfn/stateMachine:StateMachine", "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"):
        assert types.count(t) == 1, t


def test_parent_and_component_outputs(update_run):
    comp = update_run.named("uploads")
    bucket = update_run.named("uploads-bucket")
    assert not comp.custom and comp.parent == update_run.named(f"{PROJECT}-dev").urn
    assert bucket.parent == comp.urn
    # register_outputs of the component is recorded as its outputs.
    assert comp.outputs["bucketName"] == bucket.outputs["bucket"]
    assert comp.outputs["ruleArn"] == update_run.named("uploads-rule").outputs["arn"]


def test_preview_leaves_computed_outputs_unknown_but_inputs_and_auto_names_known(preview_run):
    bucket = preview_run.named("uploads-bucket")
    assert bucket.id is None
    assert bucket.outputs["arn"] == UNKNOWN
    assert re.fullmatch(r"uploads-bucket-[0-9a-f]{7}", bucket.outputs["bucket"])
    assert bucket.inputs["bucket"] == bucket.outputs["bucket"]  # the auto-name is part of the checked inputs
    rule = preview_run.named("uploads-rule")
    pattern = json.loads(rule.inputs["eventPattern"])  # built in an apply on the auto-name: known in preview
    assert pattern["detail"]["bucket"]["name"] == [bucket.outputs["bucket"]]
    machine = preview_run.named("machine")
    assert machine.inputs["roleArn"] == UNKNOWN  # the role's ARN is computed
    assert preview_run.outputs["bucketArn"] == UNKNOWN
    assert preview_run.outputs["bucketName"] == bucket.outputs["bucket"]


def test_update_outputs_are_known_and_realistic(update_run):
    bucket = update_run.named("uploads-bucket")
    assert bucket.id == bucket.outputs["bucket"]
    assert bucket.outputs["arn"] == f"arn:aws:s3:::{bucket.outputs['bucket']}"
    machine = update_run.named("machine")
    role = update_run.named("target-role")
    assert machine.inputs["roleArn"] == role.outputs["arn"]
    assert machine.outputs["arn"].startswith("arn:aws:states:us-east-2:123456789012:stateMachine:machine-")
    assert update_run.outputs["machineArn"] == machine.outputs["arn"]
    assert update_run.outputs["accountId"] == "123456789012"

    def contains_unknown(value):
        return UNKNOWN in json.dumps(value)

    for res in update_run.resources:
        assert not contains_unknown(res.inputs), res.urn
        assert not contains_unknown(res.outputs), res.urn
        if res.custom:
            assert res.id, res.urn


def test_auto_names_are_the_same_in_preview_and_update(preview_run, update_run):
    for name in ("uploads-bucket", "uploads-rule", "target-role", "machine", "dlq"):
        a, b = preview_run.named(name), update_run.named(name)
        key = "bucket" if a.type == "aws:s3/bucket:Bucket" else "name"
        assert a.outputs[key] == b.outputs[key]


def test_property_dependencies_and_dependencies(preview_run):
    rule = preview_run.named("uploads-rule")
    bucket = preview_run.named("uploads-bucket")
    assert rule.property_dependencies["eventPattern"] == [bucket.urn]
    assert bucket.urn in rule.dependencies
    policy = preview_run.named("dlq-policy")
    assert set(policy.property_dependencies["policy"]) == {preview_run.named("dlq").urn, rule.urn}
    assert policy.property_dependencies["queueUrl"] == [preview_run.named("dlq").urn]


def test_default_provider_is_synthesised_with_the_stack_region(preview_run):
    providers = [r for r in preview_run.resources if r.type == "pulumi:providers:aws"]
    assert len(providers) == 1
    default = providers[0]
    assert default.name.startswith("default_") and default.inputs["region"] == "us-east-2"
    assert default.is_default_provider
    for res in preview_run.resources:
        if res.custom and res.type.startswith("aws:"):
            assert res.provider == default.urn
            assert res.provider_region == "us-east-2"
    # IAM is global: no region; regional resources report the provider's region.
    assert preview_run.named("target-role").region is None
    assert preview_run.named("dlq").region == "us-east-2"


def test_explicit_provider_region():
    run = run_program(BASIC, config={"useWestQueue": "true"})
    west = run.named("west")
    queue = run.named("dlq")
    assert west.type == "pulumi:providers:aws" and west.inputs["region"] == "us-west-2"
    assert queue.provider == west.urn and queue.provider_region == "us-west-2"
    assert queue.region == "us-west-2"
    assert run.named("machine").provider_region == "us-east-2"
    update = run_program(BASIC, config={"useWestQueue": "true"}, preview=False)
    assert update.named("dlq").outputs["url"].startswith("https://sqs.us-west-2.amazonaws.com/123456789012/dlq-")


def test_config_layering():
    project, config, _ = load_stack_config(BASIC, "dev")
    assert project == PROJECT
    assert config["aws:region"] == "us-east-2"  # Pulumi.yaml value of a namespaced key
    assert config[f"{PROJECT}:greeting"] == "hello-from-project"  # project default
    assert config[f"{PROJECT}:stackOnly"] == "from-dev-stack-file"  # Pulumi.dev.yaml
    assert config[f"{PROJECT}:useWestQueue"] == "false"  # booleans as the engine passes them: strings
    _, west, _ = load_stack_config(BASIC, "west", {"stackOnly": "override", "aws:region": "eu-west-1"})
    assert west[f"{PROJECT}:greeting"] == "hello-from-west-stack-file"
    assert west[f"{PROJECT}:stackOnly"] == "override"
    assert west["aws:region"] == "eu-west-1"  # per-run override beats the stack file


def test_config_reaches_the_program_and_the_stack_name():
    run = run_program(BASIC, stack="west", config={"greeting": "from-the-run"})
    assert run.stack == "west"
    assert run.outputs["greeting"] == "from-the-run"
    assert run.outputs.get("stackOnly") is None  # set only in Pulumi.dev.yaml
    assert run.named("machine").provider_region == "us-west-2"
    assert all(r.urn.startswith("urn:pulumi:west::runner-basic::") for r in run.resources)
    assert run.config["aws:region"] == "us-west-2"


def test_several_runs_in_one_process_do_not_leak():
    first = run_program(BASIC, config={"greeting": "one"})
    second = run_program(BASIC, config={"greeting": "two"}, preview=False)
    third = run_program(BASIC, config={"greeting": "three"})
    assert [first.outputs["greeting"], second.outputs["greeting"], third.outputs["greeting"]] == ["one", "two", "three"]
    assert len(first.resources) == len(second.resources) == len(third.resources)
    assert "naming" not in sys.modules  # the program's own modules are dropped after each run


def test_program_error_carries_the_traceback():
    with pytest.raises(ProgramError) as info:
        run_program(FIXTURES / "raises")
    assert "deliberate failure for bucket-" in str(info.value)
    assert "ValueError" in info.value.traceback_text
    assert "__main__.py" in info.value.traceback_text or "fail" in info.value.traceback_text
    # The process is still usable afterwards.
    assert run_program(BASIC).named("machine")


def test_missing_program_directory_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no Pulumi.yaml"):
        run_program(tmp_path)


def test_secure_stack_config_is_a_clear_error(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  p:token:\n    secure: AAAB\n")
    with pytest.raises(ConfigError, match="encrypted secret"):
        run_program(tmp_path)


class RecordingBackend(MockBackend):
    def __init__(self):
        super().__init__()
        self.requests: list[ResourceRequest] = []
        self.active = 0
        self.max_active = 0
        self.threads: set[str] = set()
        self.lock = threading.Lock()

    def create(self, req, preview):
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        self.threads.add(threading.current_thread().name)
        self.requests.append(req)
        try:
            return super().create(req, preview)
        finally:
            with self.lock:
                self.active -= 1


def test_backend_sees_checked_inputs_regions_and_is_called_one_at_a_time():
    backend = RecordingBackend()
    seen = []
    run = run_program(BASIC, preview=False, backend=backend, on_resource=seen.append)
    by_name = {r.name: r for r in backend.requests}
    assert set(by_name) == {r.name for r in run.resources if r.custom and not r.is_provider}
    assert by_name["target-role"].region is None
    assert by_name["uploads-bucket"].region == "us-east-2"
    assert by_name["uploads-bucket"].parent == run.named("uploads").urn
    assert by_name["machine"].inputs["roleArn"].startswith("arn:aws:iam::123456789012:role/target-role-")
    assert backend.max_active == 1
    assert {r.urn for r in seen} == {r.urn for r in run.resources}
