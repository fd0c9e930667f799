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
    assert not (target / "harness").exists() and not (target / "policies").exists()
    probe = ("import components, sys; from components import S3TriggeredStateMachine, S3TriggeredStateMachineArgs;"
             "print(components.__file__); print(S3TriggeredStateMachine.__name__)")
    out = subprocess.run([sys.executable, "-c", probe], check=True, cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == [str(target / "components" / "__init__.py"), "S3TriggeredStateMachine"]
