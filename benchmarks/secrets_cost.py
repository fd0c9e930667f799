"""What the passphrase secrets provider's key derivation costs the engine-based suite: the same corpus gates on
throwaway stacks whose data key is behind the passphrase provider (the file backend's default, as users get it)
and on stacks whose data key the Vault stand-in keeps (proof/vault.py, as the tests run them), side by side,
alternately, in one run.

The passphrase provider derives its key with 1,000,000 PBKDF2-SHA256 iterations on every command that loads a stack;
a corpus gate is three such commands (`stack init`, `preview`, `up`). The CPU is the machine's, from /proc/stat,
over each batch: run it on a quiet machine. A measurement, not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/secrets_cost.py                      # 20 corpus programs, 2 rounds
    .venv/bin/python benchmarks/secrets_cost.py --programs 40 --rounds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from proof.gate import run_gate_modes  # noqa: E402
from proof.vault import VaultStandIn  # noqa: E402
from suite_cpu import busy_seconds  # noqa: E402  (benchmarks/, the script's own directory)
from tests.corpus.cases import CASES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=20, help="corpus programs, spread over the corpus")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    names = sorted(CASES)[::max(1, len(CASES) // args.programs)][:args.programs]
    vault = VaultStandIn()
    # Each gate's environment names its secrets provider: "" is proof.stack's default, the passphrase provider.
    settings = {"passphrase": {"S3TSM_SECRETS_PROVIDER": ""}, "vault stand-in": vault.env()}
    figures: dict[str, list[tuple[float, float]]] = {label: [] for label in settings}

    def gate(name: str, env: dict) -> None:
        results = run_gate_modes(ROOT / "tests" / "corpus" / name, ("preview", "update"),
                                 policy_packs=[str(ROOT / "policies")], env=env)
        errors = [r.error for r in results.values() if r.error is not None]
        if errors:
            raise SystemExit(f"secrets_cost: {name}: {errors[0]}")

    try:
        for round_ in range(args.rounds):
            order = list(settings) if round_ % 2 == 0 else list(reversed(settings))
            for label in order:
                busy, start = busy_seconds(), time.time()
                with ThreadPoolExecutor(args.workers) as pool:
                    list(pool.map(gate, names, [settings[label]] * len(names)))
                figures[label].append((busy_seconds() - busy, time.time() - start))
                cpu, wall = figures[label][-1]
                print(f"round {round_ + 1}, {label}: {len(names)} gates, {cpu:.1f} CPU-s, {wall:.1f} s", flush=True)
    finally:
        vault.close()
    mean = {label: sum(c for c, _ in rows) / len(rows) / len(names) for label, rows in figures.items()}
    print(f"\nper gate (stack init, preview, up): passphrase {mean['passphrase']:.2f} CPU-s, vault stand-in "
          f"{mean['vault stand-in']:.2f} CPU-s; saved {mean['passphrase'] - mean['vault stand-in']:.2f} CPU-s "
          f"({100 * (1 - mean['vault stand-in'] / mean['passphrase']):.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
