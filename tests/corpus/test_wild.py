"""The wild corpus (tests/corpus/wild/, manifest tests/corpus/wild_cases.py) through the gate: the real
``pulumi preview --policy-pack policies`` and ``pulumi up --policy-pack policies`` on throwaway stacks, with the
STAND-IN aws provider's offline backend; Python programs on the real Python language host, TypeScript programs on the
real Node.js language host (built by scripts/setup-engine) with @pulumi/pulumi and @pulumi/aws from npm, installed
once into tests/corpus/wild/node_modules (``npm ci``, from package-lock.json) and shared by every TypeScript program.

Each program's mandatory verdict must equal its manifest entry exactly, in preview and in update; the gate must reach
a verdict; no policy may crash or fall back to pulumi_policy's "can't run policy" note. The summary printed at the
end (``-s``) gives the figures in policies/README.md. ``WILD_WORKERS`` (default 3) sets how many programs run at
once: each TypeScript run loads @pulumi/aws (about 300 MB) and compiles with ts-node.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.corpus.wild_cases import CASES, PREVIEW

ROOT = Path(__file__).resolve().parents[2]
WILD = Path(__file__).resolve().parent / "wild"
POLICIES = ROOT / "policies"
MODES = ("preview", "update")
INTERNAL_ERROR = "failed while checking"
UNDECIDED = "s3-trigger-undecided-in-preview"


def expected(name: str, mode: str) -> frozenset:
    return PREVIEW.get(name, CASES[name][0]) if mode == "preview" else CASES[name][0]


def _node_modules() -> None:
    """Install the TypeScript programs' dependencies once (npm ci from the lock file) unless already there."""
    if (WILD / "node_modules" / "@pulumi" / "aws" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed for the TypeScript programs of the wild corpus (it is on CI's PATH)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WILD, check=True,
                   stdin=subprocess.DEVNULL, timeout=900)


@pytest.fixture(scope="module")
def verdicts():
    from proof.gate import run_gate_modes  # noqa: PLC0415

    if any(n.startswith("ts-") for n in CASES):
        _node_modules()

    def one(name):   # preview, then update, on one throwaway stack
        return name, run_gate_modes(WILD / name, MODES, policy_packs=[str(POLICIES)])

    # TypeScript first: they are the slowest, so the pool ends on short jobs.
    names = sorted(CASES, key=lambda n: (not n.startswith("ts-"), n))
    with ThreadPoolExecutor(int(os.environ.get("WILD_WORKERS", "3"))) as pool:
        results = {(name, mode): result for name, by_mode in pool.map(one, names) for mode, result in by_mode.items()}
    yield results
    _summary(results)


def _summary(results) -> None:
    lines = []
    for lang in ("py", "ts", None):
        names = [n for n in CASES if lang is None or n.startswith(lang + "-")]
        for mode in MODES:
            broken = [n for n in names if CASES[n][0]]
            correct = [n for n in names if not CASES[n][0]]
            stopped = sum(1 for n in broken if results[(n, mode)].mandatory)
            refused = sum(1 for n in correct if results[(n, mode)].mandatory)
            crashes = sum(1 for n in names if results[(n, mode)].error is not None or any(
                INTERNAL_ERROR in d.message for d in results[(n, mode)].diagnostics))
            said = sum(1 for n in broken if not results[(n, mode)].mandatory and UNDECIDED in
                       results[(n, mode)].policies_fired())
            lines.append(f"wild {lang or 'all'} {mode}: stopped {stopped}/{len(broken)} broken "
                         f"(+{said} named by {UNDECIDED}), refused {refused}/{len(correct)} correct, {crashes} crashes")
    print("\n" + "\n".join(lines))


def test_the_wild_corpus_covers_both_languages_modes_and_verdicts():
    for name, (_, reason) in CASES.items():
        program = WILD / name
        assert (program / "Pulumi.yaml").is_file(), name
        assert (program / ("index.ts" if name.startswith("ts-") else "__main__.py")).is_file(), name
        assert reason and "\n" not in reason
    for lang in ("py", "ts"):
        for mode in ("ct", "eb"):
            for verdict in ("good", "bad"):
                assert any(n.startswith(f"{lang}-{mode}-{verdict}-") for n in CASES), (lang, mode, verdict)
    assert sorted(p.name for p in WILD.iterdir() if (p / "Pulumi.yaml").is_file()) == sorted(CASES)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict(verdicts, name, mode):
    result = verdicts[(name, mode)]
    assert result.error is None, result.error
    messages = [(d.policy, d.message) for d in result.diagnostics]
    assert not any(INTERNAL_ERROR in m or "can't run policy" in m for _, m in messages), messages
    got = {d.policy for d in result.mandatory}
    assert got == set(expected(name, mode)), (CASES[name][1], [(p, m) for p, m in messages if p in got])
    if mode == "preview" and CASES[name][0] and not got:
        # A broken program that preview cannot stop is never passed silently: the advisory names the unknown input.
        assert UNDECIDED in result.policies_fired(), messages
