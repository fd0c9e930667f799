"""The offline gate, ``python -m harness preview``: exit codes and policy names on hand-wired programs, the tutorial
stack, and the command line itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.gate import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, run_gate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PROGRAMS = FIXTURES / "programs"
PACKS = FIXTURES / "packs"
POLICIES = ROOT / "policies"

needs_pack = pytest.mark.skipif(not (POLICIES / "PulumiPolicy.yaml").is_file(), reason="the policy pack is not there")
needs_tutorial = pytest.mark.skipif(not (ROOT / "__main__.py").is_file() or not (ROOT / "components").is_dir(),
                                    reason="the tutorial stack is not there")

# One broken program per mandatory policy of the pack: (fixture, the policy that must fire).
BROKEN = [
    ("broken-same-region", "s3-trigger-same-region"),
    ("broken-object-created-events", "s3-trigger-object-created-events"),
    ("broken-trail-logs-bucket", "s3-trigger-trail-logs-bucket"),
    ("broken-eventbridge-enabled", "s3-trigger-eventbridge-enabled"),
    ("broken-trail-feedback-loop", "s3-trigger-no-trail-feedback-loop"),
    ("broken-least-privilege-role", "s3-trigger-least-privilege-role"),
]
GOOD = ["good-cloudtrail", "good-eventbridge"]


def gate(program, *, preview=True, config=None, packs=(POLICIES,), configs=()):
    return run_gate(program, policy_packs=[str(p) for p in packs], policy_pack_configs=[str(c) for c in configs],
                    config=config, preview=preview)


@needs_pack
@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("fixture,policy", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_broken_program_fails_its_policy(fixture, policy, preview):
    result = gate(PROGRAMS / fixture, preview=preview)
    assert result.error is None
    assert result.exit_code == EXIT_VIOLATIONS
    mandatory = {d.policy for d in result.mandatory}
    assert mandatory == {policy}, f"expected only {policy}, got {sorted(mandatory)}"


def test_every_mandatory_policy_has_a_broken_program():
    if not (POLICIES / "s3_trigger" / "__init__.py").is_file():
        pytest.skip("the policy pack is not there")
    from policies.s3_trigger import all_policies  # noqa: PLC0415 (the contract's import path)

    mandatory = {p.name for p in all_policies() if getattr(p.enforcement_level, "value", None) == "mandatory"}
    assert mandatory == {policy for _, policy in BROKEN}


@needs_pack
@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("fixture", GOOD)
def test_good_programs_pass(fixture, preview):
    result = gate(PROGRAMS / fixture, preview=preview)
    assert result.error is None and result.exit_code == EXIT_OK
    assert result.mandatory == []


@needs_pack
def test_feedback_loop_wired_by_id_is_caught_on_update():
    # `s3_bucket_name=bucket.id`: the id is unknown in a preview; the engine runs Analyze again with resolved inputs
    # before it creates the trail, which is what --update models.
    result = gate(PROGRAMS / "broken-trail-feedback-loop", preview=False, config={"useIds": "true"})
    assert {d.policy for d in result.mandatory} == {"s3-trigger-no-trail-feedback-loop"}


@needs_pack
def test_feedback_loop_wired_by_id_in_preview():
    # `s3_bucket_name=bucket.id` is unknown in a preview; AnalyzeStack's property dependencies tie it to the bucket.
    result = gate(PROGRAMS / "broken-trail-feedback-loop", config={"useIds": "true"})
    assert {d.policy for d in result.mandatory} == {"s3-trigger-no-trail-feedback-loop"}


@needs_pack
@needs_tutorial
@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_tutorial_stack_passes_in_both_delivery_modes(delivery, preview):
    result = gate(ROOT, config={"delivery": delivery}, preview=preview)
    assert result.error is None
    assert result.exit_code == EXIT_OK, [(d.policy, d.message) for d in result.mandatory]
    types = {r.type for r in result.run.resources}
    assert ("aws:cloudtrail/trail:Trail" in types) == (delivery == "cloudtrail")
    assert ("aws:s3/bucketNotification:BucketNotification" in types) == (delivery == "eventbridge")


# -- errors: exit 2 ----------------------------------------------------------------------------------------------------


def test_program_that_raises_is_exit_2():
    result = gate(FIXTURES / "runner" / "raises", packs=[PACKS / "empty"])
    assert result.exit_code == EXIT_ERROR and "deliberate failure" in result.error and result.analyses == []


def test_missing_pack_is_exit_2_before_the_program_runs(tmp_path):
    result = gate(PROGRAMS / "good-eventbridge", packs=[tmp_path / "nope"])
    assert result.exit_code == EXIT_ERROR and "does not exist" in result.error and result.run is None


def test_pack_that_fails_to_start_is_exit_2():
    result = gate(PROGRAMS / "good-eventbridge", packs=[PACKS / "fails_to_start"])
    assert result.exit_code == EXIT_ERROR and "before it printed its port" in result.error


def test_invalid_policy_config_is_exit_2(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"probe-echo-stack": {"threshold": "many"}}))
    result = gate(PROGRAMS / "good-eventbridge", packs=[PACKS / "probe"], configs=[config])
    assert result.exit_code == EXIT_ERROR and "threshold" in result.error and "probe-echo-stack" in result.error


def test_more_configs_than_packs_is_exit_2(tmp_path):
    config = tmp_path / "c.json"
    config.write_text("{}")
    result = gate(PROGRAMS / "good-eventbridge", packs=[], configs=[config])
    assert result.exit_code == EXIT_ERROR


def test_without_a_pack_only_the_plan_is_shown():
    result = gate(PROGRAMS / "good-eventbridge", packs=[])
    assert result.exit_code == EXIT_OK and result.run is not None and result.analyses == []


# -- the command line --------------------------------------------------------------------------------------------------


def cli(*args, cwd=ROOT):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


@needs_pack
def test_cli_mandatory_violation():
    proc = cli("preview", "tests/fixtures/programs/broken-object-created-events", "--policy-pack", "policies")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert " +   pulumi:pulumi:Stack" in out and "aws:cloudwatch/eventRule:EventRule" in out
    assert "Policies:" in out and "[mandatory]  s3-trigger-object-created-events  (aws:cloudwatch/eventRule:" in out
    assert "s3-triggered-state-machine@v" in out and "Policy violations: 1 mandatory" in out


@needs_pack
def test_cli_good_program_and_json_report():
    proc = cli("preview", "tests/fixtures/programs/good-eventbridge", "--policy-pack", "policies", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["exitCode"] == 0 and report["preview"] is True and report["policyPacks"][0]["analyzeCalls"] > 0
    assert not [d for d in report["diagnostics"] if d["enforcementLevel"] == "mandatory"]


def test_cli_errors_exit_2_with_a_message():
    proc = cli("preview", "tests/fixtures/runner/raises", "--policy-pack", "tests/fixtures/packs/empty")
    assert proc.returncode == 2 and "error: " in proc.stderr and "deliberate failure" in proc.stderr
    proc = cli("preview", "tests/fixtures/programs/good-eventbridge", "--policy-pack", "no/such/pack")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = cli("preview", "tests/fixtures/programs/good-eventbridge", "--config", "novalue")
    assert proc.returncode == 2 and "KEY=VALUE" in proc.stderr  # argparse's usage error


def test_cli_config_reaches_the_program_and_program_dir_defaults_to_cwd():
    proc = cli("preview", "--json", "--stack", "west", "--config", "greeting=hi",
               cwd=FIXTURES / "runner" / "basic")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["stack"] == "west" and report["project"] == "runner-basic"


def test_cli_help_documents_everything():
    proc = cli("preview", "--help")
    assert proc.returncode == 0
    for option in ("PROGRAM_DIR", "--stack", "--config KEY=VALUE", "--policy-pack DIR", "--policy-pack-config FILE",
                   "--update", "--json", "--start-timeout", "Exit status", "enforcementLevel"):
        assert option in proc.stdout, option
    top = cli("--help")
    assert top.returncode == 0 and "preview" in top.stdout
