"""The distribution as a user gets it: a wheel, built and installed into a fresh virtualenv, imported by its own name.

Substitute used: none for the packaging (a real wheel build and `pip install` with no network: the fresh virtualenv
reuses the project's site-packages for pulumi and pulumi-aws through a .pth file); Pulumi's mocks for running the
installed component.
"""

import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow   # builds a wheel and a virtualenv: not in `scripts/test --fast`

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel of the repository installed into a fresh virtualenv; returns the venv's python."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp / "dist"), str(ROOT)], check=True, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("s3_triggered_state_machine-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # pulumi and pulumi-aws come from the project's venv (no network here); the distribution itself from the wheel.
    (Path(site) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, cwd=tmp)
    return python, Path(site), wheel


def run(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"})


def test_the_wheel_holds_the_package_by_its_own_name_and_nothing_else(installed):
    _, site, wheel = installed
    assert (site / "s3_triggered_state_machine" / "component.py").is_file()
    assert (site / "s3_triggered_state_machine" / "py.typed").is_file()
    assert (site / "s3_triggered_state_machine" / "operations" / "cli.py").is_file()
    for name in ("components", "operations", "harness", "proof", "standin_aws", "policies"):
        assert not (site / name).exists(), f"the wheel must not install a top-level {name!r}"
    (dist,) = site.glob("s3_triggered_state_machine-*.dist-info")
    metadata = (dist / "METADATA").read_text()
    for field in ("Summary: A Pulumi component", "License-Expression: Apache-2.0", "License-File: LICENSE",
                  "Project-URL: Homepage", "Classifier: Typing :: Typed"):
        assert field in metadata, field


def test_the_installed_component_runs_under_mocks(installed, tmp_path):
    python, _, _ = installed
    proc = run(python, '''
        import json, pulumi
        from s3_triggered_state_machine import S3TriggeredStateMachine, ArgumentError

        registered = []
        class Mocks(pulumi.runtime.Mocks):
            def new_resource(self, args):
                registered.append(args.typ)
                return args.name + "-id", {**args.inputs, "arn": "arn:aws:x:us-east-2:123456789012:" + args.name}
            def call(self, args):
                return {"accountId": "123456789012", "partition": "aws", "region": "us-east-2"}

        pulumi.runtime.set_mocks(Mocks(), preview=False)
        ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:M"

        @pulumi.runtime.test
        def program():
            try:
                S3TriggeredStateMachine("photo_uploads", {"state_machine_arn": ARN})
            except ArgumentError as e:
                print("refused:", str(e)[:60])
            return S3TriggeredStateMachine("uploads", {"state_machine_arn": ARN}).rule_arn.apply(lambda _: None)

        program()
        print(json.dumps(sorted(set(registered))))
    ''', tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("refused: S3TriggeredStateMachine 'photo_uploads'")
    types = set(__import__("json").loads(lines[-1]))
    assert {"s3-triggered-state-machine:index:S3TriggeredStateMachine", "aws:s3/bucket:Bucket",
            "aws:cloudwatch/eventRule:EventRule"} <= types


def test_the_operations_command_is_an_entry_point_and_boto3_an_extra(installed, tmp_path):
    python, site, _ = installed
    (dist,) = site.glob("s3_triggered_state_machine-*.dist-info")
    entry_points = (dist / "entry_points.txt").read_text()
    assert "s3-triggered-state-machine = s3_triggered_state_machine.operations.cli:main" in entry_points
    metadata = (dist / "METADATA").read_text()
    assert "Provides-Extra: ops" in metadata and 'boto3<2,>=1.35; extra == "ops"' in metadata
    assert not any("boto3" in line for line in metadata.splitlines() if line.startswith("Requires-Dist")
                   and "extra ==" not in line)
    # The pure modules the command reuses import without the Pulumi SDK.
    proc = run(python, "import sys, s3_triggered_state_machine.operations.documents; print('pulumi' in sys.modules)",
               tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False"]
    script = python.parent / "s3-triggered-state-machine"
    assert script.is_file()
    help_ = subprocess.run([str(script), "--help"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert help_.returncode == 0 and "backfill" in help_.stdout and "redrive" in help_.stdout


def test_the_folder_is_named_as_it_is_imported_and_the_old_names_are_gone():
    """The import package's folder carries its import name (components/s3_triggered_state_machine/), so a reader who
    sees `from s3_triggered_state_machine import ...` finds it in the tree; 0.1's `import components` and the
    `harness` alias of `proof` were removed in 0.2.0 (CHANGELOG.md)."""
    import s3_triggered_state_machine  # noqa: PLC0415

    assert Path(s3_triggered_state_machine.__file__).resolve().parent == ROOT / "components" / "s3_triggered_state_machine"
    old = subprocess.run([sys.executable, "-c", "import components; components.S3TriggeredStateMachine"],
                         cwd=ROOT, capture_output=True, text=True)
    assert old.returncode != 0 and "AttributeError" in old.stderr
    assert not (ROOT / "harness").exists()
    assert not (ROOT / "components" / "__init__.py").exists()
