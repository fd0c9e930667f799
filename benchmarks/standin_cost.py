"""What the stand-in's meaning checks (issue 19) cost the engine-based suite: the same engine work, on the same tree,
with today's stand-in against the stand-in before those checks, side by side, alternately, in one run.

Two git worktrees of HEAD are made in a temporary directory: "new" as it is, and "old" with `standin_aws/` taken from
`--base` (default: the first parent of issue 19's merge, the last tree without statelint, LocalStack's rule engine,
cfn-lint's IAM grammar, botocore's regions and ARNs, and CloudTrail's selector rules). Both link the checkout's
virtualenvs and built engine, and get a pulumi home of their own (scripts/pulumi writes its stand-in entry there).
Everything else, the engine, the programs, the pack, the gate, is the same code.

The workload is the engine suite's own largest part: the adversarial corpus's programs (tests/corpus, as
tests/corpus/test_corpus.py runs them), each through `pulumi preview --policy-pack policies` then `pulumi up
--policy-pack policies` on one throwaway stack (proof.gate.run_gate_modes), `--workers` at once. Each round runs the
whole workload on each tree, alternating which goes first. It prints, per tree and round, the wall time and the CPU
time of every process of the runs (the gate's process and all it waited for), then the ratios new/old, and says how
many programs got the same verdict on both trees (the old stand-in accepts some programs the new one refuses: those
are the point of issue 19, and are listed).

A measurement, not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/standin_cost.py                       # every corpus program, 2 rounds
    .venv/bin/python benchmarks/standin_cost.py --programs 20 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
#: The first parent of the merge of issue 19 ("the stand-in checks what values mean"): the stand-in before it.
BASE = "515f99a^1"
#: What a worktree links from the checkout: virtualenvs (git ignores them) and the built engine.
LINKED = (".venv", ".venv-localstack", "policies/venv", ".tools/engine")


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_tree(where: Path, standin_rev: str | None) -> Path:
    _git("worktree", "add", "--detach", "--quiet", str(where), "HEAD")
    if standin_rev is not None:
        shutil.rmtree(where / "standin_aws")
        archive = subprocess.run(["git", "archive", standin_rev, "standin_aws"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    for rel in LINKED:
        if (ROOT / rel).exists():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            (where / rel).symlink_to(ROOT / rel)
    return where


def run_workload(tree: Path, programs: list[str], workers: int) -> dict:
    """The corpus programs through the gate in `tree` (a child process there): its wall time, and the CPU time of
    it and of every process it waited for (RUSAGE_CHILDREN rolls up each waited-for descendant)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    code = ("import json, sys\nfrom concurrent.futures import ThreadPoolExecutor\n"
            "from proof.gate import run_gate_modes\n"
            "programs, workers = json.loads(sys.argv[1]), int(sys.argv[2])\n"
            "def one(p):\n    r = run_gate_modes(p, ('preview', 'update'), policy_packs=['policies'])\n"
            "    return p, {m: [r[m].exit_code, sorted({d.policy for d in r[m].mandatory})] for m in r}\n"
            "with ThreadPoolExecutor(workers) as pool:\n    print(json.dumps(dict(pool.map(one, programs))))\n")
    proc = subprocess.run([str(tree / ".venv" / "bin" / "python"), "-c", code, json.dumps(programs), str(workers)],
                          cwd=tree, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"the workload failed in {tree}:\n{proc.stderr[-4000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "verdicts": json.loads(proc.stdout)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=BASE, help=f"the git revision whose standin_aws/ is 'old' (default {BASE})")
    parser.add_argument("--programs", type=int, default=0, help="the first N corpus programs (default: all)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("CORPUS_WORKERS", "8")),
                        help="programs at once (default CORPUS_WORKERS or 8, as tests/corpus/test_corpus.py)")
    args = parser.parse_args(argv)

    programs = sorted(str(p.parent) for p in CORPUS.glob("*/Pulumi.yaml") if p.parent.name != "wild")
    programs = programs[: args.programs or None]
    base = _git("rev-parse", "--short", args.base).strip()
    head = _git("rev-parse", "--short", "HEAD").strip()
    print(f"stand-in cost: {len(programs)} corpus programs, preview + update each, {args.workers} at once, "
          f"{args.rounds} round(s); new = HEAD {head}, old = HEAD with standin_aws/ of {base}; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="s3tsm-standin-cost-"))
    trees = {}
    try:
        trees = {"new": make_tree(work / "new", None), "old": make_tree(work / "old", args.base)}
        for name, tree in trees.items():   # each tree runs its own stand-in: the old one has no meaning checks
            has_checks = (tree / "standin_aws" / "meaning.py").is_file()
            print(f"  {name}: {tree / 'standin_aws'}, meaning.py {'present' if has_checks else 'absent'}")
        runs: dict[str, list[dict]] = {"new": [], "old": []}
        for r in range(args.rounds):
            for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
                m = run_workload(trees[name], programs, args.workers)
                runs[name].append(m)
                print(f"  round {r + 1} {name}: wall {m['wall']:7.1f} s   CPU {m['cpu']:7.1f} s   "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
        wall = {n: statistics.median(m["wall"] for m in runs[n]) for n in runs}
        cpu = {n: statistics.median(m["cpu"] for m in runs[n]) for n in runs}
        print(f"\n| stand-in | wall (median) | CPU (median) |\n| --- | ---: | ---: |")
        for n in ("old", "new"):
            print(f"| {n} | {wall[n]:.1f} s | {cpu[n]:.1f} s |")
        print(f"\nnew/old: wall {wall['new'] / wall['old']:.3f}x, CPU {cpu['new'] / cpu['old']:.3f}x "
              f"(issue 19's bound: wall at most 1.10x)")
        new_v, old_v = runs["new"][-1]["verdicts"], runs["old"][-1]["verdicts"]
        differ = sorted(p for p in programs if new_v[p] != old_v[p])
        print(f"same verdict on both stand-ins: {len(programs) - len(differ)} / {len(programs)}")
        for p in differ:
            print(f"  {Path(p).name}: old {old_v[p]}, new {new_v[p]}")
    finally:
        for tree in trees.values():
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
