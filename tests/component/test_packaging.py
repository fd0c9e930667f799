"""`pip install` of the repository makes `from components import S3TriggeredStateMachine` work elsewhere.

Substitute used: none; a real pip install (no dependencies, no network) into a temporary directory.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pip_install_of_the_repository_exposes_the_component(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, cwd=tmp_path)
    assert (target / "components" / "component.py").is_file()
    assert not any((target / d).exists() for d in ("harness", "proof", "standin_aws", "policies"))
    probe = ("import components, sys; from components import S3TriggeredStateMachine, S3TriggeredStateMachineArgs;"
             "print(components.__file__); print(S3TriggeredStateMachine.__name__)")
    out = subprocess.run([sys.executable, "-c", probe], check=True, cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == [str(target / "components" / "__init__.py"), "S3TriggeredStateMachine"]


def test_the_operations_command_is_an_entry_point_and_boto3_an_extra(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, cwd=tmp_path)
    (dist,) = target.glob("s3_triggered_state_machine-*.dist-info")
    entry_points = (dist / "entry_points.txt").read_text()
    assert "s3-triggered-state-machine = operations.cli:main" in entry_points
    metadata = (dist / "METADATA").read_text()
    assert "Provides-Extra: ops" in metadata and 'boto3<2,>=1.35; extra == "ops"' in metadata
    assert not any("boto3" in line for line in metadata.splitlines() if line.startswith("Requires-Dist")
                   and "extra ==" not in line)
    # The pure modules the command reuses import without the Pulumi SDK.
    probe = "import sys, operations.documents; print('pulumi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], check=True, cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == ["False"]
