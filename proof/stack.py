"""A throwaway stack of a program, driven through the real Pulumi CLI (`scripts/pulumi`).

Each `ThrowawayStack` has a state directory (a local file backend) and a stack config file of its own, both in a
temporary directory, so nothing is written into the program's directory and stacks never meet: tests run side by
side, and the user's `~/.pulumi` is never touched. The program's own `Pulumi.<stack>.yaml`, if it has one, is
layered in as the engine would read it; `config` values are set over it with `pulumi config set-all`.

    with ThrowawayStack(Path("."), backend="localstack", endpoint=url, config={"delivery": "eventbridge"}) as st:
        st.up()
        st.outputs()["bucketName"]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, TextIO

import yaml

ROOT = Path(__file__).resolve().parent.parent
PULUMI = ROOT / "scripts" / "pulumi"
POLICIES = ROOT / "policies"


class StackError(RuntimeError):
    """A Pulumi command failed where the caller required it to succeed; carries its output."""

    def __init__(self, args: Sequence[str], result: subprocess.CompletedProcess):
        self.result = result
        super().__init__(f"`pulumi {' '.join(args)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Verdict:
    returncode: int
    violations: list          # the engine's policyEvents: policyName, enforcementLevel, resourceUrn, message, ...
    errors: list              # error diagnostics' messages
    result: Result

    def policies(self, level: str = "mandatory") -> set:
        return {v.get("policyName") for v in self.violations if v.get("enforcementLevel") == level}


class ThrowawayStack:
    def __init__(self, program: Path, *, stack: str = "dev", backend: str = "offline",
                 endpoint: Optional[str] = None, config: Optional[Mapping[str, str]] = None,
                 workdir: Optional[Path] = None, env: Optional[Mapping[str, str]] = None) -> None:
        self.program = Path(program).resolve()
        self.stack, self.backend, self.endpoint = stack, backend, endpoint
        self._own_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="s3tsm-stack-"))
        self.state_dir = self.workdir / "state"
        self.config_file = self.workdir / "config" / f"Pulumi.{stack}.yaml"
        self.extra_env = dict(env or {})
        self._initial_config = dict(config or {})
        self.created = False

    # ----------------------------------------------------------------------------------------------- running
    def env(self, extra: Optional[Mapping[str, str]] = None) -> dict:
        env = dict(os.environ)
        env.update(S3TSM_STATE_DIR=str(self.state_dir), S3TSM_BACKEND=self.backend,
                   PULUMI_CONFIG_PASSPHRASE=env.get("PULUMI_CONFIG_PASSPHRASE", ""))
        # Every command on a throwaway stack skips the engine's intermediate checkpoints (the final state is still
        # saved when the command ends). For a preview they are pure waste (scripts/pulumi). For `up` and `destroy`
        # they protect a crashed update's record of what exists; here the state, and the offline or LocalStack
        # resources it records, are thrown away with the stack, so a crash loses nothing that outlives the test,
        # and the checkpoints would cost O(R^2) per update (benchmarks/README.md). A user's own stack keeps them.
        env.setdefault("PULUMI_SKIP_CHECKPOINTS", "true")
        if self.endpoint:
            env["AWS_ENDPOINT_URL"] = self.endpoint
        env.update(self.extra_env)
        env.update(extra or {})
        return env

    def pulumi(self, *args: str, check: bool = True, timeout: float = 900, stack_args: bool = True,
               stream: Optional[TextIO] = None, env: Optional[Mapping[str, str]] = None) -> Result:
        """`scripts/pulumi -C PROGRAM [--stack S --config-file F] ARGS --non-interactive`. With `stream`, the
        engine's output is copied there line by line as it comes (progress), and still returned."""
        full = ["-C", str(self.program)]
        full += list(args)
        if stack_args:
            full += ["--stack", self.stack]
            if args and args[0] in _TAKES_CONFIG_FILE:
                full += ["--config-file", str(self.config_file)]
        full += ["--non-interactive"]
        if stream is not None:
            return self._streamed(full, stream, check, env)
        proc = subprocess.run([str(PULUMI), *full], capture_output=True, text=True, env=self.env(env), timeout=timeout,
                              stdin=subprocess.DEVNULL)
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise StackError(full, proc)
        return result

    def _streamed(self, full: list[str], stream: TextIO, check: bool, env: Optional[Mapping[str, str]]) -> Result:
        proc = subprocess.Popen([str(PULUMI), *full], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=self.env(env), stdin=subprocess.DEVNULL)
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            stream.write(line)
            stream.flush()
        proc.wait()
        result = Result(proc.returncode, "".join(lines), "")
        if check and proc.returncode != 0:
            raise StackError(full, subprocess.CompletedProcess(full, proc.returncode, result.stdout, ""))
        return result

    # ---------------------------------------------------------------------------------------------- lifecycle
    def create(self) -> "ThrowawayStack":
        """`pulumi stack init`, in a shadow copy of Pulumi.yaml so the salt file lands in the workdir; then the
        program's own Pulumi.<stack>.yaml values, then `config`."""
        shadow = self.workdir / "config"
        shadow.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.program / "Pulumi.yaml", shadow / "Pulumi.yaml")
        # S3TSM_SECRETS_PROVIDER (set by the tests: proof/vault.py) names the stack's secrets provider; else the
        # backend's default, the passphrase provider, which users' stacks get too.
        env = self.env()
        secrets = env.get("S3TSM_SECRETS_PROVIDER")
        proc = subprocess.run([str(PULUMI), "-C", str(shadow), "stack", "init", self.stack, "--non-interactive",
                               *(["--secrets-provider", secrets] if secrets else [])],
                              capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
        if proc.returncode != 0:
            raise StackError(["stack", "init", self.stack], proc)
        (shadow / "Pulumi.yaml").unlink()
        own = self.program / f"Pulumi.{self.stack}.yaml"
        if own.is_file():
            mine = yaml.safe_load(self.config_file.read_text()) or {}
            theirs = yaml.safe_load(own.read_text()) or {}
            mine["config"] = {**(theirs.get("config") or {}), **(mine.get("config") or {})}
            self.config_file.write_text(yaml.safe_dump(mine, sort_keys=False))
        self.created = True
        if self._initial_config:
            self.set_config(self._initial_config)
        return self

    def set_config(self, values: Mapping[str, str]) -> None:
        """Every value in one `pulumi config set-all` (plaintext): one engine start, and one passphrase key
        derivation, however many keys (benchmarks/README.md §6: each command that loads a stack pays ~0.2 s of
        PBKDF2)."""
        pairs = [arg for key, value in values.items() for arg in ("--plaintext", f"{key}={value}")]
        if pairs:
            self.pulumi("config", "set-all", *pairs)

    def preview(self, *extra: str, policy_packs: Iterable[Path] = (), policy_configs: Iterable[Path] = (),
                check: bool = False, env: Optional[Mapping[str, str]] = None, timeout: float = 900) -> Result:
        return self.pulumi("preview", *_policy_args(policy_packs, policy_configs), *extra, check=check, env=env,
                           timeout=timeout)

    def up(self, *extra: str, policy_packs: Iterable[Path] = (), check: bool = True) -> Result:
        return self.pulumi("up", "--yes", "--skip-preview", *_policy_args(policy_packs, ()), *extra, check=check)

    def destroy(self, *extra: str, check: bool = True) -> Result:
        return self.pulumi("destroy", "--yes", "--skip-preview", *extra, check=check)

    def judge(self, *, update: bool = False, policy_packs: Iterable[Path] = (POLICIES,),
              policy_configs: Iterable[Path] = ()) -> "Verdict":
        """`pulumi preview` (or `pulumi up`, with every value known) with policy packs, read from the engine's own
        JSON event stream: the policy violations and error diagnostics it reported, and its exit code."""
        result = self.pulumi(*policy_run_args(update, policy_packs, policy_configs), "--json", check=False,
                             env={"PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "1"})  # preview's events, as up's
        violations, errors = [], []
        for line in result.stdout.splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "policyEvent" in event:
                violations.append(event["policyEvent"])
            diag = event.get("diagnosticEvent")
            if diag and diag.get("severity") == "error":
                errors.append(diag.get("message", ""))
        return Verdict(result.returncode, violations, errors, result)

    def outputs(self) -> dict:
        return json.loads(self.pulumi("stack", "output", "--json", "--show-secrets").stdout or "{}")

    def resources(self) -> list[dict]:
        """The stack's resources as the engine keeps them (`pulumi stack export`)."""
        exported = json.loads(self.pulumi("stack", "export").stdout)
        return exported.get("deployment", {}).get("resources", []) or []

    def resource(self, type_: str, name: str) -> dict:
        found = [r for r in self.resources() if r["type"] == type_ and r["urn"].endswith(f"::{name}")]
        assert len(found) == 1, f"no single {type_} named {name!r} in the stack"
        return found[0]

    def remove(self) -> None:
        """Forget the stack (after destroy) and its workdir."""
        # A stack whose state lives in this object's own workdir is forgotten with the workdir: `pulumi stack rm
        # --force` would only delete the same files (and forgets, never destroys, what the stack created).
        forgotten_with_workdir = self._own_workdir and self.env().get("S3TSM_STATE_DIR") == str(self.state_dir)
        if self.created and not forgotten_with_workdir:
            # `pulumi stack rm` also deletes Pulumi.<stack>.yaml next to the Pulumi.yaml it runs on: run it on the
            # shadow copy in the workdir, never on the program (whose own stack file must survive).
            shadow = self.config_file.parent
            shutil.copy(self.program / "Pulumi.yaml", shadow / "Pulumi.yaml")
            subprocess.run([str(PULUMI), "-C", str(shadow), "stack", "rm", self.stack, "--yes", "--force",
                            "--non-interactive"], capture_output=True, text=True, env=self.env(),
                           stdin=subprocess.DEVNULL, timeout=120)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "ThrowawayStack":
        return self.create()

    def __exit__(self, *exc) -> None:
        self.remove()


#: The commands that read the stack's config (and so take --config-file).
_TAKES_CONFIG_FILE = ("preview", "up", "destroy", "refresh", "config", "import")


def provider_region(state: Mapping, states: Iterable[Mapping], default: str = "us-east-2") -> str:
    """The region of the provider a resource's engine state names (`pulumi stack export` resources or preview
    steps' states), matched by the provider's URN: in preview its id is still unknown."""
    urn = (state.get("provider") or "").rsplit("::", 1)[0]
    for provider in states:
        if provider["urn"] == urn:
            region = (provider.get("outputs") or provider.get("inputs") or {}).get("region")
            return region if isinstance(region, str) and region else default
    return default


def policy_run_args(update: bool, packs: Iterable[Path], configs: Iterable[Path] = ()) -> list[str]:
    """`preview` (or `up` on the throwaway state, `update`) with these policy packs and their config files."""
    command = ["up", "--yes", "--skip-preview"] if update else ["preview"]
    return [*command, *_policy_args(packs, configs)]


def _policy_args(packs: Iterable[Path], configs: Iterable[Path]) -> list[str]:
    args: list[str] = []
    for pack in packs:
        args += ["--policy-pack", str(Path(pack).resolve())]
    for cfg in configs:
        args += ["--policy-pack-config", str(Path(cfg).resolve())]
    return args
