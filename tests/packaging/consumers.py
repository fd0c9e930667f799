"""Run the consumer examples (examples/<language>) the way their READMEs say, from a temporary copy, so nothing is
written into examples/: `pulumi package add <component-package>`, the language's own set-up, then the stack.

Substitutes, named wherever they are used: the REAL Pulumi CLI v3.274.1 (scripts/pulumi) drives every stack, with
the STAND-IN aws provider (standin_aws/); `pulumi package add` runs with the real Pulumi CLI v3.188.0 that
scripts/setup-engine builds for that one command (.tools/engine/link: the Node.js/Go/Python hosts the Go module proxy
serves belong to v3.188.0, and the Link request they answer changed shape after it). npm and the Go module proxy are
the real registries.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from proof.stack import ROOT

PULUMI = ROOT / "scripts" / "pulumi"
PACKAGE_DIR = ROOT / "component-package"
EXAMPLES = ROOT / "examples"
LANGUAGES = ("typescript", "yaml", "go")
#: The component's type token, the package name in every consumer's Pulumi.yaml `packages:`.
TYPE_TOKEN = "s3-triggered-state-machine:index:S3TriggeredStateMachine"
PACKAGE_NAME = "s3-triggered-state-machine"
#: What `pulumi package add` leaves behind or fetches, never copied from examples/ (a stale local run).
_NOT_COPIED = shutil.ignore_patterns("sdks", "node_modules", "bin", "package-lock.json", "go.sum", "Pulumi.*.yaml")


def run(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise AssertionError(f"`{' '.join(map(str, args))}` in {cwd} exited {proc.returncode}:\n"
                             f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def prepare(language: str, workdir: Path) -> Path:
    """A copy of examples/<language> in `workdir`, after the README's steps up to (not including) `pulumi up`.
    Returns the program directory."""
    program = workdir / language
    shutil.copytree(EXAMPLES / language, program, ignore=_NOT_COPIED)
    env = dict(os.environ, S3TSM_STATE_DIR=str(workdir / "package-add-state"))
    run([str(PULUMI), "package", "add", str(PACKAGE_DIR)], program, env)
    if language == "go":
        # The v3.188.0 Go host's Link points the replace at the SDK's package directory, not at its module root
        # (sdks/<name>/go.mod); the README's next step corrects it, then `go mod tidy` fetches the Go SDK.
        module = _go_sdk_module(program)
        run(["go", "mod", "edit", f"-replace={module}=./sdks/{PACKAGE_NAME}"], program)
        run(["go", "mod", "tidy"], program, dict(os.environ, GOFLAGS=""))
    return program


def _go_sdk_module(program: Path) -> str:
    for line in (program / "sdks" / PACKAGE_NAME / "go.mod").read_text().splitlines():
        if line.startswith("module "):
            return line.split()[1]
    raise AssertionError("the generated Go SDK has no module line")
