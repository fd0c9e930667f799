"""`python -m harness up` / `destroy` as a user runs them: progress per resource, the stack outputs at the end, the
state file, and clear errors. The program is a copy of the tutorial stack in a temporary directory, so the state file
(PROGRAM_DIR/.harness/state/<stack>.json) does not land in the repository."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from harness.cli import main as cli_main

from .helpers import REPO

pytestmark = pytest.mark.emulator


def harness(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    root = tmp_path_factory.mktemp("program")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "components", root / "components", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_up_prints_progress_and_outputs_then_destroy_cleans_up(program, endpoint, aws, capsys):
    stack = ["--stack", "e2e-cli"]
    up = harness("up", str(program), "--endpoint", endpoint, *stack, "--config", "delivery=eventbridge",
                 "--config", "aws:region=eu-west-1")
    assert up.returncode == 0, up.stderr
    assert "+ aws:s3/bucket:Bucket tutorial-bucket ... created (tutorial-bucket-" in up.stdout
    assert "+ aws:cloudwatch/eventTarget:EventTarget tutorial-target ... created (S3StepFunctions-terraform-" in up.stdout
    outputs = up.stdout[up.stdout.index("Outputs:"):]
    assert 'ruleName          : "S3StepFunctions"' in outputs
    assert '"arn:aws:states:eu-west-1:000000000000:stateMachine:Helloworld"' in outputs  # --config aws:region applied
    state = json.loads((program / ".harness" / "state" / "e2e-cli.json").read_text())
    bucket = next(r["id"] for r in state["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    aws("s3", "eu-west-1").head_bucket(Bucket=bucket)

    # Error paths in-process (same code as the command line, without another interpreter start).
    assert cli_main(["up", str(program), "--endpoint", endpoint, *stack]) == 1
    err = capsys.readouterr().err
    assert "already has" in err and "destroy" in err

    down = harness("destroy", str(program), "--endpoint", endpoint, *stack)
    assert down.returncode == 0, down.stderr
    assert "- aws:s3/bucket:Bucket tutorial-bucket ... deleted" in down.stdout
    assert not (program / ".harness" / "state" / "e2e-cli.json").exists()
    assert bucket not in {b["Name"] for b in aws("s3", "eu-west-1").list_buckets()["Buckets"]}


def test_up_without_an_emulator_says_so(program, capsys):
    assert cli_main(["up", str(program), "--endpoint", "http://127.0.0.1:9", "--stack", "e2e-cli-none"]) == 1
    assert "no LocalStack answers at http://127.0.0.1:9" in capsys.readouterr().err


def test_destroy_with_nothing_recorded_is_a_no_op(program, capsys):
    assert cli_main(["destroy", str(program), "--stack", "e2e-cli-never-deployed"]) == 0
    assert "nothing to destroy" in capsys.readouterr().out


UNSUPPORTED_PROGRAM = '''
import pulumi_aws as aws

bucket = aws.s3.Bucket("first", force_destroy=True)
aws.lambda_.Function("unsupported", role="arn:aws:iam::000000000000:role/r", handler="h", runtime="python3.12",
                     code=None, opts=__import__("pulumi").ResourceOptions(depends_on=[bucket]))
'''


def test_an_unsupported_resource_type_fails_up_naming_it_and_destroy_removes_what_was_created(
        tmp_path, endpoint, aws, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: unsupported\nruntime: python\nconfig:\n  aws:region:\n"
                                          "    value: us-east-2\n")
    (tmp_path / "__main__.py").write_text(UNSUPPORTED_PROGRAM)
    assert cli_main(["up", str(tmp_path), "--endpoint", endpoint, "--stack", "e2e-unsupported"]) == 1
    captured = capsys.readouterr()
    assert "aws:lambda/function:Function" in captured.err and "not supported" in captured.err
    state = json.loads((tmp_path / ".harness" / "state" / "e2e-unsupported.json").read_text())
    assert [r["type"] for r in state["resources"]] == ["aws:s3/bucket:Bucket"]  # created before the failure
    bucket = state["resources"][0]["id"]
    aws("s3").head_bucket(Bucket=bucket)
    assert cli_main(["destroy", str(tmp_path), "--endpoint", endpoint, "--stack", "e2e-unsupported"]) == 0
    assert bucket not in {b["Name"] for b in aws("s3").list_buckets()["Buckets"]}
