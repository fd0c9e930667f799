"""The adversarial corpus through the gate (the real ``pulumi preview`` / ``pulumi up --policy-pack``), both modes.

Each program's mandatory verdict must equal its manifest entry exactly (tests/corpus/cases.py), the gate must reach a
verdict (no error), and no policy may crash or fall back to pulumi_policy's advisory "can't run policy" note. The
programs run side by side (``CORPUS_WORKERS``, default 8: each run mostly waits on process start-up), once per module.

The summary printed at the end (``-s``) gives the figures reported in policies/README.md: stopped, refused, crashes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.corpus.cases import CASES, PREVIEW

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent
POLICIES = ROOT / "policies"
MODES = ("preview", "update")
INTERNAL_ERROR = "failed while checking"

def expected(name: str, mode: str) -> frozenset:
    return PREVIEW.get(name, CASES[name][0]) if mode == "preview" else CASES[name][0]


@pytest.fixture(scope="module")
def verdicts():
    from proof.gate import run_gate_modes  # noqa: PLC0415

    def one(name):   # preview, then update, on one throwaway stack
        return name, run_gate_modes(CORPUS / name, MODES, policy_packs=[str(POLICIES)])

    with ThreadPoolExecutor(int(os.environ.get("CORPUS_WORKERS", "8"))) as pool:
        results = {(name, mode): result for name, by_mode in pool.map(one, sorted(CASES))
                   for mode, result in by_mode.items()}
    yield results
    _summary(results)


def _summary(results) -> None:
    lines = []
    for mode in MODES:
        broken = [n for n in CASES if CASES[n][0]]
        correct = [n for n in CASES if not CASES[n][0]]
        stopped = sum(1 for n in broken if results[(n, mode)].mandatory)
        refused = sum(1 for n in correct if results[(n, mode)].mandatory)
        crashes = sum(1 for n in CASES if results[(n, mode)].error is not None or any(
            INTERNAL_ERROR in d.message for d in results[(n, mode)].diagnostics))
        lines.append(f"corpus {mode}: stopped {stopped}/{len(broken)} broken, refused {refused}/{len(correct)} correct, "
                     f"{crashes} crashes")
    print("\n" + "\n".join(lines))


def test_the_corpus_is_large_and_balanced():
    broken = [n for n, (exp, _) in CASES.items() if exp]
    assert len(CASES) >= 60
    assert 0.4 <= len(broken) / len(CASES) <= 0.6
    for name, (_, reason) in CASES.items():
        assert (CORPUS / name / "__main__.py").is_file() and (CORPUS / name / "Pulumi.yaml").is_file(), name
        assert reason and "\n" not in reason
    both = {"ct": 0, "eb": 0}
    for name in CASES:
        both[name.split("-", 1)[0]] += 1
    assert min(both.values()) >= 20


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
        # A broken program preview cannot stop is never passed silently: the advisory names the unknown input.
        assert "s3-trigger-undecided-in-preview" in result.policies_fired(), messages
