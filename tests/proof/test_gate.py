"""The offline gate, ``python -m proof gate``: a thin wrapper over the real `pulumi preview --policy-pack`.

Substitute used: the REAL Pulumi CLI (scripts/pulumi) against the STAND-IN aws provider, offline backend. These
tests pin the wrapper's contract (flags, exit codes 0/1/2, config layering, --update, --json) and the engine
behaviours the old in-process gate used to imitate (policy config validation, a missing or broken pack, a broken
program), now observed on the engine itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from proof.gate import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, run_gate
from proof.stack import ThrowawayStack

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PROGRAMS = FIXTURES / "programs"
PACKS = FIXTURES / "packs"
POLICIES = ROOT / "policies"


def cli(*args, cwd=ROOT):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "proof", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


# -- exit codes and the engine's own output ------------------------------------------------------------------------


def test_mandatory_violation_is_exit_1_with_the_engines_output():
    proc = cli("preview", "tests/fixtures/programs/broken-object-created-events", "--policy-pack", "policies")
    assert proc.returncode == EXIT_VIOLATIONS, proc.stdout + proc.stderr
    assert "Previewing update" in proc.stdout                        # the engine's own plan
    # The policy's severity (policies/s3_trigger/metadata.py) and the pack's version (pyproject.toml's), as the
    # engine prints them.
    assert "[mandatory] [severity: high]  s3-trigger-object-created-events" in proc.stdout
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f"s3-triggered-state-machine@v{version}" in proc.stdout


def test_good_program_is_exit_0_and_json_is_the_engines_event_stream():
    proc = cli("preview", "tests/fixtures/programs/good-eventbridge", "--policy-pack", "policies", "--json")
    assert proc.returncode == EXIT_OK, proc.stdout[-3000:] + proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert any("resourcePreEvent" in e for e in events)
    assert not [e for e in events if e.get("policyEvent", {}).get("enforcementLevel") == "mandatory"]


@pytest.mark.parametrize("update", [False, True], ids=["preview", "update"])
def test_update_runs_the_stack_policies_with_every_value_known(update):
    """`bucket.id` as the trail's log bucket is unknown in preview; with --update (pulumi up on the throwaway state)
    the engine runs the policies again with it known. Both must catch the feedback loop."""
    result = run_gate(PROGRAMS / "broken-trail-feedback-loop", policy_packs=[str(POLICIES)], preview=not update,
                      config={"useIds": "true"})
    assert result.exit_code == EXIT_VIOLATIONS
    assert {d.policy for d in result.mandatory} == {"s3-trigger-no-trail-feedback-loop"}


def test_program_that_raises_is_exit_2_with_its_error():
    result = run_gate(FIXTURES / "runner" / "raises", policy_packs=[str(PACKS / "empty")])
    assert result.exit_code == EXIT_ERROR
    assert "deliberate failure" in result.output
    proc = cli("preview", "tests/fixtures/runner/raises", "--policy-pack", "tests/fixtures/packs/empty")
    assert proc.returncode == EXIT_ERROR and "deliberate failure" in proc.stdout + proc.stderr


def test_missing_pack_is_exit_2(tmp_path):
    proc = cli("preview", "tests/fixtures/programs/good-eventbridge", "--policy-pack", str(tmp_path / "nope"))
    assert proc.returncode == EXIT_ERROR
    assert "PulumiPolicy.yaml" in proc.stdout + proc.stderr


def test_pack_that_fails_to_start_is_exit_2():
    result = run_gate(PROGRAMS / "good-eventbridge", policy_packs=[str(PACKS / "fails_to_start")])
    assert result.exit_code == EXIT_ERROR
    assert "broken on purpose" in result.output


def test_invalid_policy_config_is_refused_by_the_engine(tmp_path):
    """The engine validates --policy-pack-config against each policy's schema (numbers, enums, unknown keys)."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"probe-echo-stack": {"threshold": "many"}}))
    result = run_gate(PROGRAMS / "good-eventbridge", policy_packs=[str(PACKS / "probe")],
                      policy_pack_configs=[str(config)])
    assert result.exit_code == EXIT_ERROR
    assert "threshold" in result.output


def test_policy_config_changes_the_enforcement_level(tmp_path):
    """`--policy-pack-config` reaches the engine: a mandatory policy set to advisory no longer fails the gate."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"s3-trigger-object-created-events": "advisory"}))
    result = run_gate(PROGRAMS / "broken-object-created-events", policy_packs=[str(POLICIES)],
                      policy_pack_configs=[str(config)])
    assert result.exit_code == EXIT_OK, result.output[-3000:]
    assert "s3-trigger-object-created-events" in result.policies_fired("advisory")


def test_not_a_program_directory_is_exit_2(tmp_path):
    proc = cli("preview", str(tmp_path), "--policy-pack", "policies")
    assert proc.returncode == EXIT_ERROR and "no Pulumi.yaml" in proc.stderr
    proc = cli("preview", "tests/fixtures/programs/good-eventbridge", "--config", "novalue")
    assert proc.returncode == 2 and "KEY=VALUE" in proc.stderr  # argparse's usage error


# -- config layering: Pulumi.yaml, Pulumi.<stack>.yaml, --config --------------------------------------------------


def test_config_layers_reach_the_program_as_the_engine_reads_them():
    program = FIXTURES / "runner" / "basic"
    with ThrowawayStack(program, stack="dev") as st:                 # Pulumi.dev.yaml sets the required stackOnly
        st.up()
        dev = st.outputs()
    assert dev["greeting"] == "hello-from-project" and dev["stackOnly"] == "from-dev-stack-file"
    with ThrowawayStack(program, stack="west", config={"stackOnly": "from-flag", "greeting": "hi"}) as st:
        st.up()
        west = st.outputs()
        region = st.resource("aws:s3/bucket:Bucket", "uploads-bucket")["outputs"]["region"]
    assert west["greeting"] == "hi" and west["stackOnly"] == "from-flag"  # --config over Pulumi.west.yaml
    assert region == "us-west-2"                                        # aws:region from Pulumi.west.yaml
    assert not list(program.glob("Pulumi.*.yaml.*")) and sorted(p.name for p in program.glob("Pulumi*.yaml")) == [
        "Pulumi.dev.yaml", "Pulumi.west.yaml", "Pulumi.yaml"]           # nothing written into the program


def test_a_required_key_left_unset_is_refused_as_the_engine_refuses_it():
    with ThrowawayStack(FIXTURES / "runner" / "basic", stack="east") as st:   # no Pulumi.east.yaml: stackOnly unset
        result = st.preview()
    assert result.returncode != 0 and "missing configuration" in result.output


def test_cli_config_and_stack_reach_the_program():
    proc = cli("preview", "--stack", "west", "--config", "stackOnly=x", "--config", "greeting=hey",
               cwd=FIXTURES / "runner" / "basic")
    assert proc.returncode == EXIT_OK, proc.stdout[-2000:] + proc.stderr
    assert "runner-basic-west" in proc.stdout and '"hey"' in proc.stdout


def test_help_documents_everything():
    proc = cli("preview", "--help")
    assert proc.returncode == 0
    for option in ("PROGRAM_DIR", "--stack", "--config KEY=VALUE", "--policy-pack DIR", "--policy-pack-config FILE",
                   "--update", "--json"):
        assert option in proc.stdout, option
