"""harness.analyzer: the policy pack process and the engine's analyzer calls, against small fixture packs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.analyzer import (PackInfo, PolicyConfigError, PolicyInfo, PolicyPackCrashed, PolicyPackNotFound,
                              PolicyPackProcess, PolicyPackStartError, analyze_run, load_policy_config_file,
                              parse_policy_config, reconcile_policy_config)
from harness.runner import run_program

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PACKS = FIXTURES / "packs"
PROBE = PACKS / "probe"
BASIC = FIXTURES / "runner" / "basic"


@pytest.fixture(scope="module")
def preview_run():
    return run_program(BASIC)


@pytest.fixture(scope="module")
def update_run():
    return run_program(BASIC, preview=False)


def echo(result, policy):
    (diag,) = [d for d in result.diagnostics if d.policy == policy]
    return diag, json.loads(diag.message.split("\n", 1)[1])


# -- GetAnalyzerInfo and Configure -------------------------------------------------------------------------------------


def test_analyzer_info(preview_run):
    with PolicyPackProcess(PROBE, project=preview_run.project, stack="dev") as pack:
        info = pack.get_analyzer_info()
    assert info.name == "probe-pack"
    assert info.version == "1.2.3"  # PulumiPolicy.yaml's version, as the CLI shows it
    levels = {p.name: p.enforcement_level for p in info.policies}
    assert levels == {"probe-bucket-name": "mandatory", "probe-machine-role": "mandatory", "probe-crash": "advisory",
                      "probe-echo-resource": "disabled", "probe-echo-stack": "advisory"}
    types = {p.name: p.policy_type for p in info.policies}
    assert types["probe-echo-stack"] == "stack" and types["probe-bucket-name"] == "resource"
    schema = next(p for p in info.policies if p.name == "probe-echo-stack").config_schema
    assert schema["required"] == ["threshold"] and schema["properties"]["threshold"]["default"] == 10


def _pack(*policies: PolicyInfo) -> PackInfo:
    return PackInfo(name="p", version="1", display_name="", description="", policies=list(policies), initial_config={})


SCHEMA = {"properties": {"threshold": {"type": "integer", "default": 10, "minimum": 1},
                         "mode": {"type": "string", "enum": ["strict", "lenient"]}},
          "required": ["threshold"]}


def test_config_defaults_levels_and_precedence():
    pack = _pack(PolicyInfo("a", "", "mandatory", SCHEMA, "stack"), PolicyInfo("b", "", "advisory", None, "resource"),
                 PolicyInfo("c", "", "advisory", None, "resource"))
    config, warnings = reconcile_policy_config(pack, None)
    assert config["a"] == {"enforcementLevel": "mandatory", "properties": {"threshold": 10}}  # schema defaults
    assert config["b"] == {"enforcementLevel": "advisory", "properties": None}
    # "all" first, then each policy: config > policy > pack.
    config, warnings = reconcile_policy_config(pack, {"all": "disabled", "b": "mandatory",
                                                      "a": {"mode": "strict", "threshold": 3}})
    assert config["a"] == {"enforcementLevel": "disabled", "properties": {"threshold": 3, "mode": "strict"}}
    assert config["b"]["enforcementLevel"] == "mandatory" and config["c"]["enforcementLevel"] == "disabled"
    assert warnings == []


def test_unknown_policy_in_config_is_a_warning():
    pack = _pack(PolicyInfo("a", "", "advisory", None, "resource"))
    _, warnings = reconcile_policy_config(pack, {"typo-policy": "mandatory"})
    assert len(warnings) == 1 and "typo-policy" in warnings[0]


@pytest.mark.parametrize("given,phrase", [
    ({"a": {"threshold": "ten"}}, "threshold: 'ten' is not of type 'integer'"),
    ({"a": {"threshold": 0}}, "threshold: 0 is less than the minimum of 1"),
    ({"a": {"mode": "loose"}}, "mode: 'loose' is not one of"),
])
def test_invalid_config_is_a_clear_error(given, phrase):
    pack = _pack(PolicyInfo("a", "", "advisory", SCHEMA, "stack"))
    with pytest.raises(PolicyConfigError) as info:
        reconcile_policy_config(pack, given)
    assert phrase in str(info.value) and "a: " in str(info.value)


def test_required_property_without_default():
    schema = {"properties": {"buckets": {"type": "array"}}, "required": ["buckets"]}
    pack = _pack(PolicyInfo("a", "", "advisory", schema, "stack"))
    with pytest.raises(PolicyConfigError, match="'buckets' is a required property"):
        reconcile_policy_config(pack, None)
    config, _ = reconcile_policy_config(pack, {"a": {"buckets": []}})
    assert config["a"]["properties"] == {"buckets": []}


@pytest.mark.parametrize("text,phrase", [
    ('{"a": "mandatory-ish"}', "not a valid enforcement level"),
    ('{"a": {"enforcementLevel": "loud"}}', "not a valid enforcement level"),
    ('{"a": 3}', "must be a string or object"),
    ('[1, 2]', "expected a JSON object"),
    ('{"a": ', "not valid JSON"),
])
def test_config_file_errors(tmp_path, text, phrase):
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError, match=phrase):
        load_policy_config_file(path)


def test_config_file_forms(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"all": "advisory", "a": {"enforcementLevel": "mandatory", "x": 1}, "b": {}}')
    assert load_policy_config_file(path) == {"all": {"enforcementLevel": "advisory"},
                                             "a": {"enforcementLevel": "mandatory", "x": 1}}
    assert parse_policy_config({"a": "disabled"}) == {"a": {"enforcementLevel": "disabled"}}
    with pytest.raises(PolicyConfigError, match="cannot read"):
        load_policy_config_file(tmp_path / "missing.json")


# -- Analyze and AnalyzeStack ------------------------------------------------------------------------------------------


def test_analyze_gets_checked_inputs_provider_and_parent(preview_run):
    result = analyze_run(preview_run, PROBE, policy_config={"probe-echo-resource": "advisory"})
    diag, seen = echo(result, "probe-echo-resource")
    bucket = preview_run.named("uploads-bucket")
    assert diag.urn == bucket.urn  # the pack reports an empty URN; the gate fills in the resource's
    assert seen["urn"] == bucket.urn and seen["props"]["bucket"] == bucket.outputs["bucket"]
    assert seen["providerType"] == "pulumi:providers:aws" and seen["providerRegion"] == "us-east-2"
    assert seen["parent"] == preview_run.named("uploads").urn
    # Analyze runs once per custom resource (not the stack, components or providers).
    assert result.analyze_calls == sum(1 for r in preview_run.resources if r.custom and not r.is_provider)


def test_analyze_stack_gets_the_graph_config_and_environment(preview_run):
    result = analyze_run(preview_run, PROBE, policy_config={"probe-echo-stack": {"mode": "strict"}})
    diag, seen = echo(result, "probe-echo-stack")
    assert diag.phase == "stack" and diag.enforcement_level == "advisory"
    assert seen["config"] == {"threshold": 10, "mode": "strict", "buckets": []}  # defaults merged in
    assert seen["dryRun"] == "true" and seen["project"] == "runner-basic" and seen["stack"] == "dev"
    assert seen["stackConfig"]["aws:region"] == "us-east-2"
    assert Path(seen["cwd"]) == PROBE  # the pack runs in its own directory
    by_urn = {r["urn"]: r for r in seen["resources"]}
    assert set(by_urn) == {r.urn for r in preview_run.resources}
    rule = preview_run.named("uploads-rule")
    policy = by_urn[preview_run.named("dlq-policy").urn]
    assert set(policy["propertyDependencies"]["policy"]) == {rule.urn, preview_run.named("dlq").urn}
    assert by_urn[rule.urn]["parent"] == preview_run.named("uploads").urn
    assert preview_run.named("uploads-bucket").urn in by_urn[rule.urn]["dependencies"]
    assert by_urn[rule.urn]["providerRegion"] == "us-east-2"


def test_unknown_values_become_an_advisory_note_in_preview_only(preview_run, update_run):
    preview = analyze_run(preview_run, PROBE)
    (note,) = [d for d in preview.diagnostics if d.policy == "probe-machine-role"]
    assert note.enforcement_level == "advisory" and "during preview" in note.message
    assert note.urn == preview_run.named("machine").urn
    update = analyze_run(update_run, PROBE)
    assert not [d for d in update.diagnostics if d.policy == "probe-machine-role"]
    _, seen = echo(update, "probe-echo-stack")
    assert seen["dryRun"] == "false"


def test_mandatory_violation_and_level_override(tmp_path):
    program = tmp_path / "prog"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: bad-bucket\nruntime: python\nconfig:\n  aws:region:\n    value: us-east-2\n")
    (program / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.Bucket('b', bucket='bad-name')\n")
    run = run_program(program)
    result = analyze_run(run, PROBE)
    (violation,) = result.mandatory
    assert violation.policy == "probe-bucket-name" and "bad-name" in violation.message
    assert violation.urn == run.named("b").urn and violation.policy_pack == "probe-pack"
    downgraded = analyze_run(run, PROBE, policy_config={"probe-bucket-name": "advisory"})
    assert not downgraded.mandatory and "probe-bucket-name" in {d.policy for d in downgraded.advisory}
    off = analyze_run(run, PROBE, policy_config={"all": "disabled"})
    assert off.diagnostics == []


# -- failures: the pack is always stopped ------------------------------------------------------------------------------


def test_a_crashing_policy_is_reported_with_the_resource(preview_run):
    with pytest.raises(PolicyPackCrashed) as info:
        analyze_run(preview_run, PROBE, policy_config={"probe-crash": {"crash": True}})
    message = str(info.value)
    assert "deliberate crash inside a policy" in message
    assert preview_run.named("uploads-bucket").urn in message


def test_pack_process_is_stopped_after_use_and_after_errors(preview_run):
    with PolicyPackProcess(PROBE) as pack:
        process = pack.process
        assert process.poll() is None
        with pytest.raises(PolicyPackCrashed):
            pack.configure({"probe-crash": {"enforcementLevel": "advisory", "properties": {"crash": True}}})
            pack.analyze(preview_run.named("uploads-bucket"), preview_run.by_urn()[preview_run.named("uploads-bucket").provider])
    assert process.poll() is not None


def test_pack_that_fails_to_start():
    with pytest.raises(PolicyPackStartError) as info:
        with PolicyPackProcess(PACKS / "fails_to_start"):
            pass
    assert "exited with code" in str(info.value) and "broken on purpose" in str(info.value)


def test_pack_start_timeout_kills_the_process():
    pack = PolicyPackProcess(PACKS / "slow_start", start_timeout=1.0)
    with pytest.raises(PolicyPackStartError, match="did not print its port within 1 s"):
        with pack:
            pass
    assert pack.process is not None and pack.process.poll() is not None


def test_missing_pack(tmp_path):
    with pytest.raises(PolicyPackNotFound, match="does not exist"):
        PolicyPackProcess(tmp_path / "nope")
    with pytest.raises(PolicyPackNotFound, match="no PulumiPolicy.yaml"):
        PolicyPackProcess(tmp_path)


def test_empty_pack_reports_nothing(preview_run):
    result = analyze_run(preview_run, PACKS / "empty")
    assert result.pack.name == "empty-pack" and result.diagnostics == []
    assert [p.name for p in result.pack.policies] == ["trivial"]
