"""The real Pulumi engine on this project's programs.

Substitute used: the REAL Pulumi CLI (scripts/pulumi: the engine, its Python language host, the real policy pack
loaded by the engine) against the STAND-IN aws provider plugin (standin_aws/), offline backend. Nothing here is
mocked in-process; each test runs `pulumi` as a user would, on a throwaway stack (proof/stack.py).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from proof.stack import POLICIES, ROOT, ThrowawayStack

PROGRAMS = ROOT / "tests" / "fixtures" / "programs"

# One broken program per mandatory policy, and the policy that must stop it (tests/fixtures/programs).
BROKEN = {
    "broken-same-region": "s3-trigger-same-region",
    "broken-object-created-events": "s3-trigger-object-created-events",
    "broken-trail-logs-bucket": "s3-trigger-trail-logs-bucket",
    "broken-eventbridge-enabled": "s3-trigger-eventbridge-enabled",
    "broken-trail-feedback-loop": "s3-trigger-no-trail-feedback-loop",
    "broken-least-privilege-role": "s3-trigger-least-privilege-role",
    "broken-kms-key-policy-dlq": "s3-trigger-kms-key-policy",
}
GOOD = ("good-cloudtrail", "good-eventbridge", "good-kms-key-policy")


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_tutorial_stack_passes_the_policy_pack_in_preview(delivery):
    with ThrowawayStack(ROOT, config={"delivery": delivery}) as stack:
        verdict = stack.judge()
    assert verdict.returncode == 0, verdict.result.output
    assert verdict.policies() == set()
    assert not verdict.errors


@pytest.fixture(scope="module")
def fixture_verdicts():
    """Each fixture program's verdict under `pulumi preview`, then under `pulumi up` on the same throwaway stack (a
    preview leaves the state untouched), programs side by side: one stack per program for both modes, and the
    differential test below reads the same preview."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    def one(program):
        with ThrowawayStack(PROGRAMS / program) as stack:
            return program, {"preview": stack.judge(), "update": stack.judge(update=True)}

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(one, sorted(BROKEN) + list(GOOD)))


@pytest.mark.parametrize("mode", ["preview", "update"])
@pytest.mark.parametrize("program", sorted(BROKEN) + list(GOOD))
def test_fixture_programs_get_their_mandatory_verdict_from_the_real_engine(fixture_verdicts, program, mode):
    """Each broken fixture is stopped by exactly its policy and each good one passes, under `pulumi preview` and
    under `pulumi up` (where the stack policies run again with every value known)."""
    verdict = fixture_verdicts[program][mode]
    expected = {BROKEN[program]} if program in BROKEN else set()
    assert verdict.policies() == expected, verdict.result.output[-4000:]
    assert verdict.returncode == (1 if expected else 0), verdict.result.output[-4000:]


@pytest.mark.parametrize("program", sorted(BROKEN) + list(GOOD))
def test_differential_gate_command_agrees_with_the_engines_events(fixture_verdicts, program):
    """Differential: `python -m proof gate` (the engine's human output, exit code read from it) reaches the
    verdict the engine's own JSON events give, on every fixture."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    engine = fixture_verdicts[program]["preview"].policies()
    proc = subprocess.run([sys.executable, "-m", "proof", "gate", str(PROGRAMS / program), "--policy-pack",
                           str(POLICIES)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == (1 if engine else 0), proc.stdout[-3000:] + proc.stderr
    from policies.s3_trigger.metadata import TABLE  # noqa: PLC0415
    for policy in engine:   # the engine prints each policy's severity (policies/s3_trigger/metadata.py) with it
        assert f"[mandatory] [severity: {TABLE[policy].severity.value}]  {policy}" in proc.stdout


def test_fresh_stack_needs_no_config():
    """`pulumi stack init` then `pulumi up` with no config set at all (the README's promise)."""
    with ThrowawayStack(ROOT) as stack:
        result = stack.up(check=False)
        assert result.returncode == 0, result.output[-4000:]
        outputs = stack.outputs()
    assert outputs["bucketName"].startswith("tutorial-bucket-")
    assert outputs["ruleName"] == "tutorial-dev-rule"


def test_two_tutorial_stacks_deploy_side_by_side(tmp_path):
    """Same state backend, two stacks: no name they create collides (the tutorial's fixed names would)."""
    state = tmp_path / "shared"
    with ThrowawayStack(ROOT, stack="one", workdir=tmp_path / "one", env={"S3TSM_STATE_DIR": str(state)}) as a, \
            ThrowawayStack(ROOT, stack="two", workdir=tmp_path / "two", env={"S3TSM_STATE_DIR": str(state)}) as b:
        a.up()
        b.up()
        names = []
        for stack in (a, b):
            for r in stack.resources():
                outputs = r.get("outputs", {})
                for key in ("bucket", "name"):
                    if r["type"].startswith("aws:") and isinstance(outputs.get(key), str):
                        names.append((r["type"], outputs[key]))
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def _program(tmp_path: Path, body: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "Pulumi.yaml").write_text("name: standin-probe\nruntime: python\n"
                                          "config:\n  aws:region:\n    value: us-east-2\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\n" + textwrap.dedent(body))
    return tmp_path


@pytest.mark.parametrize("body,needle", [
    ('aws.s3.Bucket("photo_uploads")\n', "photo_uploads-"),                      # S3 refuses the underscore
    ('aws.sqs.Queue("uploads.v2-dlq")\n', "uploads.v2-dlq-"),                    # SQS refuses the dot
    (f'aws.s3.Bucket("{"b" * 56}")\n', "is at most 63"),                          # 56 + 8 > 63
    (f'aws.iam.Role("{"r" * 57}", assume_role_policy="{{}}")\n', "is at most 64"),  # 57 + 8 > 64
    ('aws.cloudwatch.EventRule("r", event_pattern="{not json")\n', "not valid JSON"),
])
def test_the_stand_in_refuses_what_aws_refuses(tmp_path, body, needle):
    """The stand-in is at least as strict as pulumi-aws and AWS: names that cannot exist fail in preview, with the
    property and the reason, before anything is created."""
    with ThrowawayStack(_program(tmp_path / "p", body)) as stack:
        result = stack.preview()
    assert result.returncode != 0
    assert needle in result.output, result.output[-3000:]


@pytest.mark.parametrize("name_expr", [
    '"theirs-in-ireland"',                                                                  # known: at construction
    'aws.s3.Bucket("theirs", bucket="theirs-in-ireland", region="eu-west-1").bucket',     # an output: at deploy time
])
def test_an_existing_bucket_in_another_region_is_refused_through_the_engine(tmp_path, name_expr):
    """Issue 18, point 3 and issue 22, point 5, through the real engine: the component asks the provider
    (aws.s3.getBucket, the invoke both stand-in backends answer) where the bucket is, and refuses another region. The
    offline backend knows no buckets, so the test declares this one's region (S3TSM_OFFLINE_BUCKET_REGIONS)."""
    body = f'''
        from s3_triggered_state_machine import S3TriggeredStateMachine
        S3TriggeredStateMachine("uploads", {{
            "state_machine_arn": "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld",
            "existing_bucket_name": {name_expr}, "delivery": "eventbridge"}})
        '''
    with ThrowawayStack(_program(tmp_path / "p", body),
                        env={"S3TSM_OFFLINE_BUCKET_REGIONS": '{"theirs-in-ireland": "eu-west-1"}'}) as stack:
        result = stack.up(check=False)  # an output is unknown in preview: it is checked when `up` knows it
        made = [r["type"] for r in stack.resources() if r["type"].startswith("aws:cloudwatch/eventRule")]
    assert result.returncode != 0
    assert made == [], "the rule must not be created for a bucket it can never see"
    assert "`existing_bucket_name`" in result.output, result.output[-3000:]
    assert "region 'eu-west-1', but the trigger is in 'us-east-2'" in result.output, result.output[-3000:]
