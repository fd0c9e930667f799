"""What preview cannot decide, proven on the real engine: for every corpus program whose ``pulumi preview`` reports
fewer faults than its ``pulumi up`` (tests/corpus/cases.py and wild_cases.py, ``PREVIEW``), a TWIN exists, written by
one edit inside the value that preview does not know (``UNDECIDABLE``), such that

1. the twin hands every policy pack exactly what the original hands it in preview: the recorder pack
   (tests/fixtures/packs/recorder, pulumi-policy's public API) records each resource's type, name, props with their
   unknowns, options, parent, provider, dependencies and property dependencies, through ``Analyze`` and
   ``AnalyzeStack``, and the two records are equal (auto-names' random suffixes masked);
2. the edit is invisible in preview and visible in the update: a string the edit writes occurs more often in the
   twin's update record than in its preview record (so the records tell the programs apart once the value is known;
   equality in preview is not the recorder's blindness);
3. ``pulumi up --policy-pack policies`` gives the twin the original's *preview* verdict: for a broken program that
   preview passes, the twin is correct.

So a pack that reported more in preview would refuse the twin, a correct program (or report a fault the twin does
not have). The update decides these programs, before the resource is created where one resource's inputs decide.

Substitute: the real Pulumi CLI, Python and Node.js language hosts and engine, with the STAND-IN aws provider's
offline backend (scripts/pulumi), the project's pack and the recorder pack side by side, on throwaway stacks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.corpus import cases, wild_cases

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent
POLICIES = ROOT / "policies"
RECORDER = ROOT / "tests" / "fixtures" / "packs" / "recorder"
#: an auto-name's random part (the logical name, '-', 7 characters), which differs between any two deployments
AUTO_SUFFIX = re.compile(r"(?<=[A-Za-z0-9])-[a-z0-9]{7}(?![A-Za-z0-9])")

MANIFESTS = {"corpus": (CORPUS, cases), "wild": (CORPUS / "wild", wild_cases)}
PROGRAMS = {name: where for where, (_, m) in MANIFESTS.items() for name in m.UNDECIDABLE}


def _preview_verdict(manifest, name) -> frozenset:
    return manifest.PREVIEW.get(name, manifest.CASES[name][0])


@pytest.mark.parametrize("where", sorted(MANIFESTS))
def test_every_program_preview_judges_less_than_its_update_has_a_twin(where):
    _, manifest = MANIFESTS[where]
    fewer = {n for n, (update, _) in manifest.CASES.items() if len(_preview_verdict(manifest, n)) < len(update)}
    assert fewer, where
    assert set(manifest.UNDECIDABLE) == fewer


def _main_file(program: Path) -> Path:
    return program / ("index.ts" if (program / "index.ts").is_file() else "__main__.py")


def _lay_out(program: Path, root: Path, edit=None) -> Path:
    """`program` copied under `root`, its non-program siblings (the kit, node_modules, tsconfig) linked beside it, as
    in the corpus; with `edit`, its one occurrence of old text replaced by the new."""
    root.mkdir(parents=True)
    for sibling in program.parent.iterdir():
        if not (sibling / "Pulumi.yaml").is_file() and sibling.name != "__pycache__":
            (root / sibling.name).symlink_to(sibling)
    copy = root / program.name
    shutil.copytree(program, copy, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    if edit is not None:
        old, new = edit
        main = _main_file(copy)
        text = main.read_text()
        assert text.count(old) == 1, (program.name, old)
        main.write_text(text.replace(old, new))
    return copy


def _records(directory: Path) -> dict[str, list]:
    out = {}
    for kind in ("resource", "stack"):
        path = directory / f"{kind}.jsonl"
        lines = path.read_text().splitlines() if path.is_file() else []
        out[kind] = sorted(AUTO_SUFFIX.sub("-#######", line) for line in lines)
    return out


def _witness(old: str, new: str) -> str:
    """A quoted string the edit writes and the original does not have."""
    quoted = lambda s: set(re.findall(r'"([^"]+)"', s))  # noqa: E731
    fresh = sorted(quoted(new) - quoted(old), key=len, reverse=True)
    assert fresh, (old, new)
    return fresh[0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from proof.gate import run_gate_modes  # noqa: PLC0415

    if any(where == "wild" and name.startswith("ts-") for name, where in PROGRAMS.items()):
        from tests.corpus.test_wild import _node_modules  # noqa: PLC0415

        _node_modules()
    base = tmp_path_factory.mktemp("undecidable")

    def one(job):
        name, role = job
        directory, manifest = MANIFESTS[PROGRAMS[name]]
        edit = manifest.UNDECIDABLE[name] if role == "twin" else None
        program = _lay_out(directory / name, base / role / name, edit)
        results, records = {}, {}
        for mode in ("preview", "update") if role == "twin" else ("preview",):   # a stack each: one record each
            records[mode] = base / "records" / role / name / mode
            records[mode].mkdir(parents=True)
            results.update(run_gate_modes(program, (mode,), policy_packs=[str(POLICIES), str(RECORDER)],
                                          env={"S3TSM_RECORD_DIR": str(records[mode])}))
        return job, (results, records)

    jobs = [(name, role) for name in sorted(PROGRAMS, key=lambda n: not n.startswith("ts-"))
            for role in ("original", "twin")]
    with ThreadPoolExecutor(int(os.environ.get("CORPUS_WORKERS", "4"))) as pool:
        return dict(pool.map(one, jobs))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_twin_and_original_hand_every_pack_the_same_in_preview(runs, name):
    (original, original_records), (twin, twin_records) = runs[(name, "original")], runs[(name, "twin")]
    for result in (original["preview"], twin["preview"], twin["update"]):
        assert result.error is None, result.error
    seen, twin_seen = _records(original_records["preview"]), _records(twin_records["preview"])
    assert seen["stack"] and seen["resource"], "the recorder recorded nothing"
    assert seen == twin_seen
    # The edit sits inside a value unknown in preview, and the recorder sees it once it is known.
    _, manifest = MANIFESTS[PROGRAMS[name]]
    witness = json.dumps(_witness(*manifest.UNDECIDABLE[name]))[1:-1]
    count = lambda lines: sum(line.count(witness) for line in lines)  # noqa: E731
    assert count(_records(twin_records["update"])["stack"]) > count(twin_seen["stack"]), witness


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_update_gives_the_twin_the_originals_preview_verdict(runs, name):
    _, manifest = MANIFESTS[PROGRAMS[name]]
    (original, _), (twin, _) = runs[(name, "original")], runs[(name, "twin")]
    preview = _preview_verdict(manifest, name)
    assert {d.policy for d in original["preview"].mandatory} == set(preview)
    assert {d.policy for d in twin["update"].mandatory} == set(preview), [
        (d.policy, d.message) for d in twin["update"].mandatory]
    assert len(preview) < len(manifest.CASES[name][0])   # ... and the original's update reports more (test_corpus)
