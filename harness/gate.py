"""The offline policy gate: ``python -m harness preview``, a stand-in for ``pulumi preview --policy-pack``.

It runs the Pulumi program through ``harness.runner`` (preview mode unless ``--update``), runs each policy pack as the
engine does (``harness.analyzer``), prints the plan and the policy results grouped as the Pulumi CLI groups them, and
exits with:

* 0: no mandatory violation (advisory notes are shown but do not fail);
* 1: at least one mandatory violation;
* 2: the gate could not reach a verdict: the program raised, its directory or config is unreadable, a policy pack is
  missing, fails to start, crashes inside a policy, or its config is invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .analyzer import (AnalysisResult, AnalyzerError, Diagnostic, analyze_run, check_policy_pack_dir,
                       load_policy_config_file)
from .cli import add_program_arguments, config_overrides
from .runner import ProgramRun, RunnerError, run_program

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_VIOLATIONS", "GateResult", "register", "render_plan", "render_policies",
           "run_gate"]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


@dataclass
class GateResult:
    exit_code: int
    run: Optional[ProgramRun] = None
    analyses: list[AnalysisResult] = field(default_factory=list)
    error: Optional[str] = None
    seconds_program: float = 0.0
    seconds_policies: float = 0.0
    seconds_total: float = 0.0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for a in self.analyses for d in a.diagnostics]

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_mandatory]

    def policies_fired(self, level: Optional[str] = None) -> set[str]:
        return {d.policy for d in self.diagnostics if level is None or d.enforcement_level == level}

    def as_dict(self) -> dict:
        return {
            "exitCode": self.exit_code,
            "error": self.error,
            "project": self.run.project if self.run else None,
            "stack": self.run.stack if self.run else None,
            "preview": self.run.preview if self.run else None,
            "resources": [{"urn": r.urn, "type": r.type, "name": r.name} for r in (self.run.resources if self.run else [])],
            "policyPacks": [{"name": a.pack.name, "version": a.pack.version, "path": a.pack.path,
                             "analyzeCalls": a.analyze_calls, "warnings": a.warnings,
                             "seconds": {"start": a.seconds_start, "analyze": a.seconds_analyze,
                                         "analyzeStack": a.seconds_analyze_stack}} for a in self.analyses],
            "diagnostics": [d.as_dict() for d in self.diagnostics],
            "seconds": {"program": self.seconds_program, "policies": self.seconds_policies,
                        "total": self.seconds_total},
        }


def run_gate(program_dir=".", *, policy_packs: Sequence[str] = (), policy_pack_configs: Sequence[str] = (),
             stack: str = "dev", config: Optional[dict[str, str]] = None, preview: bool = True,
             start_timeout: float = 60.0, call_timeout: float = 600.0) -> GateResult:
    """Run the program and every policy pack; never raises for the failures listed in the module docstring."""
    started = time.perf_counter()
    result = GateResult(exit_code=EXIT_OK)
    if len(policy_pack_configs) > len(policy_packs):
        result.exit_code, result.error = EXIT_ERROR, (
            f"{len(policy_pack_configs)} --policy-pack-config for {len(policy_packs)} --policy-pack: "
            "each config file goes with the pack given in the same position")
        return result
    try:
        configs = [load_policy_config_file(path) for path in policy_pack_configs]
        for pack_dir in policy_packs:  # fail fast, before running the program
            check_policy_pack_dir(pack_dir)
    except AnalyzerError as exc:
        result.exit_code, result.error = EXIT_ERROR, str(exc)
        return result
    try:
        result.run = run_program(program_dir, stack=stack, config=config, preview=preview)
    except RunnerError as exc:
        result.exit_code, result.error = EXIT_ERROR, str(exc)
        result.seconds_total = time.perf_counter() - started
        return result
    result.seconds_program = time.perf_counter() - started

    policies_started = time.perf_counter()
    for index, pack_dir in enumerate(policy_packs):
        pack_config = configs[index] if index < len(configs) else None
        try:
            result.analyses.append(analyze_run(result.run, pack_dir, policy_config=pack_config,
                                               start_timeout=start_timeout, call_timeout=call_timeout))
        except AnalyzerError as exc:
            result.exit_code, result.error = EXIT_ERROR, f"policy pack {pack_dir}: {exc}"
            break
    result.seconds_policies = time.perf_counter() - policies_started
    if result.exit_code == EXIT_OK and result.mandatory:
        result.exit_code = EXIT_VIOLATIONS
    result.seconds_total = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------------------------------------------------
# Rendering, after the Pulumi CLI's preview output


def _glyphs(stream: TextIO) -> dict[str, str]:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding.startswith("utf"):
        return {"tee": "├─ ", "last": "└─ ", "bar": "│  ", "gap": "   ", "ok": "✅", "fail": "❌", "warn": "⚠️ "}
    return {"tee": "|- ", "last": "`- ", "bar": "|  ", "gap": "   ", "ok": "[ok]", "fail": "[FAIL]", "warn": "[warn]"}


def render_plan(run: ProgramRun, stream: TextIO) -> None:
    """One line per resource, as ``pulumi preview`` shows it: operation, type (as a tree), name, plan."""
    g = _glyphs(stream)
    shown = [r for r in run.resources if not r.is_default_provider]
    children: dict[Optional[str], list] = {}
    urns = {r.urn for r in shown}
    for res in shown:
        parent = res.parent if res.parent in urns else None
        children.setdefault(parent, []).append(res)
    rows: list[tuple[str, str]] = []

    def walk(parent: Optional[str], prefix: str, depth: int) -> None:
        kids = children.get(parent, [])
        for i, res in enumerate(kids):
            last = i == len(kids) - 1
            branch = "" if depth == 0 else (g["last"] if last else g["tee"])
            rows.append((prefix + branch + res.type, res.name))
            walk(res.urn, prefix + ("" if depth == 0 else (g["gap"] if last else g["bar"])), depth + 1)

    walk(None, "", 0)
    op = "create"
    width = max([len("Type")] + [len(t) for t, _ in rows])
    name_width = max([len("Name")] + [len(n) for _, n in rows])
    mode = "Previewing update" if run.preview else "Updating"
    stream.write(f"{mode} ({run.stack}), offline: mock providers, no engine, no cloud\n\n")
    stream.write(f"     {'Type':<{width}}  {'Name':<{name_width}}  Plan\n")
    for type_col, name in rows:
        stream.write(f" +   {type_col:<{width}}  {name:<{name_width}}  {op}\n")
    count = len(rows)
    stream.write(f"\nResources:\n    + {count} to create\n")


def render_policies(analyses: Sequence[AnalysisResult], run: ProgramRun, stream: TextIO) -> None:
    """Policy results grouped as the CLI groups them: pack, then each violation's level, policy, resource, message."""
    g = _glyphs(stream)
    by_urn = run.by_urn()
    stream.write("\nPolicies:\n")
    for analysis in analyses:
        pack = analysis.pack
        diags = analysis.diagnostics
        mark = g["fail"] if any(d.is_mandatory for d in diags) else (g["warn"] if diags else g["ok"])
        stream.write(f"    {mark} {pack.label} (local: {pack.path})\n")
        for warning in analysis.warnings:
            stream.write(f"        warning: {warning}\n")
        order = {"mandatory": 0, "remediate": 0, "advisory": 1, "disabled": 2}
        for d in sorted(diags, key=lambda d: (order.get(d.enforcement_level, 3), d.policy, d.urn)):
            res = by_urn.get(d.urn)
            where = f"  ({res.type}: {res.name})" if res is not None else (f"  ({d.urn})" if d.urn else "")
            stream.write(f"        - [{d.enforcement_level}]  {d.policy}{where}\n")
            for line in d.message.splitlines() or [d.description]:
                stream.write(f"          {line}\n")
    mandatory = sum(1 for a in analyses for d in a.diagnostics if d.is_mandatory)
    advisory = sum(1 for a in analyses for d in a.diagnostics if d.enforcement_level == "advisory")
    stream.write(f"\nPolicy violations: {mandatory} mandatory, {advisory} advisory\n")


def report(result: GateResult, stream: TextIO = sys.stdout, err: TextIO = sys.stderr) -> None:
    if result.run is not None:
        render_plan(result.run, stream)
        if result.analyses:
            render_policies(result.analyses, result.run, stream)
    if result.error:
        stream.flush()
        err.write(f"error: {result.error}\n")
        err.flush()
    if result.run is None:
        return
    stream.write(f"\nDuration: {result.seconds_total:.2f}s (program {result.seconds_program:.2f}s, "
                 f"policies {result.seconds_policies:.2f}s)\n")
    if result.exit_code == EXIT_VIOLATIONS:
        stream.write("error: preview failed: mandatory policy violations (exit 1)\n")


# --------------------------------------------------------------------------------------------------------------------
# CLI

_DESCRIPTION = """\
Preview a Pulumi program offline and check it with policy packs, as `pulumi preview --policy-pack` does, with no
Pulumi CLI, no provider plugin, no backend and no cloud credentials.

1. The program in PROGRAM_DIR runs in-process under Pulumi's mocks (harness.runner). Config comes from Pulumi.yaml
   (project defaults, namespaced values such as aws:region), then Pulumi.<stack>.yaml, then --config. A mock AWS
   provider answers: in preview mode (the default) ids, ARNs and other computed outputs are unknown while inputs and
   auto-names (<name>-<7 hex>) are known, as in a real preview; --update makes every output known.
2. Each policy pack starts as its own process in its directory, as the CLI starts it
   (python -u -m pulumi.policy ENGINE PACK_DIR), and gets the engine's analyzer calls over gRPC: GetAnalyzerInfo,
   Configure (policy config merged with schema defaults and validated against each policy's schema), Analyze for
   each custom resource (checked inputs and provider, with its region) and AnalyzeStack once (outputs, parents,
   dependencies, property dependencies, providers). The pack process is always stopped.
3. It prints the plan (one line per resource) and the policy results grouped by pack: enforcement level, policy,
   resource and message.

Exit status: 0 no mandatory violation (advisory ones are shown); 1 a mandatory violation; 2 the gate could not
decide: the program raised, bad program directory or config, a missing pack, a pack that fails to start or crashes
in a policy, an invalid policy pack config.
"""

_EPILOG = """\
examples:
  python -m harness preview . --policy-pack policies
  python -m harness preview . --policy-pack policies --config delivery=eventbridge
  python -m harness preview . --policy-pack policies --policy-pack-config policy-config.json --stack prod
  python -m harness preview tests/fixtures/broken/put-object-only --policy-pack policies --json

policy pack config (--policy-pack-config) is the CLI's JSON format: keys are policy names or "all"; a value is an
enforcement level ("advisory", "mandatory", "remediate", "disabled") or an object with an optional
"enforcementLevel" and the policy's config properties, e.g.
  {"all": "mandatory", "s3-trigger-trail-cost": "disabled",
   "s3-trigger-trail-logs-bucket": {"bucketsLoggedElsewhere": ["org-logged-bucket"]}}
Levels: config > the policy's own > the pack's.
"""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "preview", help="offline `pulumi preview --policy-pack`: run the program under mocks and check it with policy "
                        "packs (exit 1 on a mandatory violation)",
        description=_DESCRIPTION, epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_program_arguments(parser)
    parser.add_argument("--policy-pack", action="append", default=[], metavar="DIR", dest="policy_packs",
                        help="a policy pack directory (PulumiPolicy.yaml + __main__.py); repeatable. Without one, "
                             "only the plan is shown")
    parser.add_argument("--policy-pack-config", action="append", default=[], metavar="FILE",
                        dest="policy_pack_configs",
                        help="JSON config for the policy pack given in the same position (repeatable)")
    parser.add_argument("--update", action="store_true",
                        help="run as `pulumi up` would: every output known (PULUMI_DRY_RUN=false for the packs)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON report (resources, diagnostics, timings) instead of the text output")
    parser.add_argument("--start-timeout", type=float, default=60.0, metavar="SECONDS",
                        help="how long to wait for a policy pack to print its port (default 60)")
    parser.add_argument("--call-timeout", type=float, default=600.0, metavar="SECONDS",
                        help="how long to wait for one analyzer call (Analyze, AnalyzeStack) before giving up with "
                             "exit 2 (default 600)")
    parser.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    program_dir = Path(args.program_dir)
    result = run_gate(program_dir, policy_packs=args.policy_packs, policy_pack_configs=args.policy_pack_configs,
                      stack=args.stack, config=config_overrides(args), preview=not args.update,
                      start_timeout=args.start_timeout, call_timeout=args.call_timeout)
    if args.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
        if result.error:
            sys.stderr.write(f"error: {result.error}\n")
    else:
        report(result)
    return result.exit_code
