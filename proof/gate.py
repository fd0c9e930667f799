"""The offline policy gate, ``python -m proof gate``: a thin wrapper over the real ``pulumi preview --policy-pack``.

It runs the program with the real Pulumi CLI (``scripts/pulumi``) on a throwaway stack and state
(``proof/stack.py``), against the stand-in aws provider's offline backend, so no account, backend or credentials
are needed. ``--update`` runs ``pulumi up`` instead, on that throwaway state: the engine runs the stack policies again
with every value known, and nothing leaves the machine. The output is the engine's own (``--json``: its JSON event
stream). Exit codes:

* 0: no mandatory violation (advisory notes are shown but do not fail);
* 1: at least one mandatory violation;
* 2: no verdict: the program raised, its directory or config is unreadable, a policy pack is missing, fails to
  start or gets invalid config (the engine's own message says which).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .cli import add_program_arguments, config_overrides
from .stack import StackError, ThrowawayStack, Verdict, policy_run_args

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_VIOLATIONS", "Diagnostic", "GateResult", "register", "run_gate",
           "run_gate_modes"]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


@dataclass(frozen=True)
class Diagnostic:
    """One policy violation, as the engine reported it."""

    policy: str
    enforcement_level: str
    urn: str
    message: str

    @property
    def is_mandatory(self) -> bool:
        return self.enforcement_level == "mandatory"


@dataclass
class GateResult:
    exit_code: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: Optional[str] = None    # why there is no verdict (exit code 2)
    output: str = ""               # the engine's output

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_mandatory]

    def policies_fired(self, level: Optional[str] = None) -> set[str]:
        return {d.policy for d in self.diagnostics if level is None or d.enforcement_level == level}


def _result(verdict: Verdict) -> GateResult:
    diagnostics = [Diagnostic(v.get("policyName", ""), v.get("enforcementLevel", ""), v.get("resourceUrn", ""),
                              v.get("message", "")) for v in verdict.violations]
    result = GateResult(EXIT_OK, diagnostics, output=verdict.result.output)
    if any(d.is_mandatory for d in diagnostics):
        result.exit_code = EXIT_VIOLATIONS
    elif verdict.returncode != 0:
        result.exit_code = EXIT_ERROR
        result.error = "".join(verdict.errors).strip() or verdict.result.stderr.strip() or "pulumi failed"
    return result


def _not_a_program(program: Path) -> Optional[str]:
    return None if (program / "Pulumi.yaml").is_file() else f"{program}: no Pulumi.yaml (not a Pulumi program directory)"


def run_gate(program_dir=".", *, policy_packs: Sequence[str] = (), policy_pack_configs: Sequence[str] = (),
             stack: str = "dev", config: Optional[dict[str, str]] = None, preview: bool = True) -> GateResult:
    """The gate's verdict on a program (read from the engine's JSON events); never raises for a bad program or pack."""
    mode = "preview" if preview else "update"
    return run_gate_modes(program_dir, (mode,), policy_packs=policy_packs, policy_pack_configs=policy_pack_configs,
                          stack=stack, config=config)[mode]


def run_gate_modes(program_dir=".", modes: Sequence[str] = ("preview", "update"), *,
                   policy_packs: Sequence[str] = (), policy_pack_configs: Sequence[str] = (), stack: str = "dev",
                   config: Optional[dict[str, str]] = None,
                   env: Optional[dict[str, str]] = None) -> dict[str, GateResult]:
    """The gate's verdicts on a program in each mode ("preview", then "update": `pulumi up` on the same throwaway
    state, which a preview leaves untouched), on one throwaway stack; never raises for a bad program or pack. `env`
    adds variables to every command's environment (the engine passes them on to the program, providers and packs)."""
    program = Path(program_dir)
    unknown = set(modes) - {"preview", "update"}
    if unknown:
        raise ValueError(f"modes: {sorted(unknown)} are not modes; use 'preview' and 'update'")
    if _not_a_program(program):
        return {mode: GateResult(EXIT_ERROR, error=_not_a_program(program)) for mode in modes}
    results: dict[str, GateResult] = {}
    try:
        with ThrowawayStack(program, stack=stack, config=config, env=env) as st:
            for mode in modes:
                results[mode] = _result(st.judge(update=mode == "update", policy_packs=[Path(p) for p in policy_packs],
                                                 policy_configs=[Path(c) for c in policy_pack_configs]))
    except StackError as e:
        for mode in modes:
            results.setdefault(mode, GateResult(EXIT_ERROR, error=str(e), output=e.result.stdout + e.result.stderr))
    return results


def _gate(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    program = Path(args.program_dir)
    if _not_a_program(program):
        print(f"error: {_not_a_program(program)}", file=sys.stderr)
        return EXIT_ERROR
    packs = [Path(p) for p in args.policy_pack]
    configs = [Path(c) for c in args.policy_pack_config]
    try:
        with ThrowawayStack(program, stack=args.stack, config=config_overrides(args)) as st:
            if args.json:
                verdict = st.judge(update=args.update, policy_packs=packs, policy_configs=configs)
                out.write(verdict.result.stdout)
                sys.stderr.write(verdict.result.stderr)
                return _result(verdict).exit_code
            result = st.pulumi(*policy_run_args(args.update, packs, configs), check=False, stream=out)
    except StackError as e:
        sys.stderr.write(e.result.stdout + e.result.stderr)
        return EXIT_ERROR
    if result.returncode == 0:
        return EXIT_OK
    return EXIT_VIOLATIONS if "[mandatory]" in result.stdout else EXIT_ERROR


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "gate", aliases=["preview"],
        help="pulumi preview --policy-pack with the real engine, offline (stand-in aws provider); `preview` is the "
             "old name, kept", description=__doc__.split("\n\n")[0])
    add_program_arguments(parser)
    parser.add_argument("--policy-pack", action="append", default=[], metavar="DIR",
                        help="a policy pack directory (repeatable), as `pulumi preview --policy-pack`")
    parser.add_argument("--policy-pack-config", action="append", default=[], metavar="FILE",
                        help="a policy pack config file, one per --policy-pack in the same order")
    parser.add_argument("--update", action="store_true",
                        help="`pulumi up` on the throwaway state: stack policies see every value known")
    parser.add_argument("--json", action="store_true", help="print the engine's JSON event stream")
    parser.set_defaults(func=_gate)
