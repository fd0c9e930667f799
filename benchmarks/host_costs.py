"""What the Python language host's own per-run commands cost, beside a whole engine run: the figures of the upstream
report in benchmarks/README.md §6 ("Ready to file: the Python host's start-up on every run").

On every `pulumi preview` and `pulumi up` of a Python program, pulumi-language-python (the host scripts/setup-engine
builds) starts two Python processes besides the program itself:

    <program venv>/bin/python -m pip list -v --format json      GetRequiredPackages (the engine asks on every run)
    <pack venv>/bin/python -c "import pulumi.run.plugin"          RunPlugin, once per Python policy pack, before the
                                                                  host looks for the pack's __main__.py

This script runs exactly those two commands, in this checkout's own virtualenvs, and for scale `python -c pass`, a
bare `import pulumi`, and one whole corpus gate (`stack init`, `preview`, `up` with the policy pack, on a throwaway
stack: the real CLI and the stand-in provider, offline). Each round runs every command once, in turn; the figure is
the median over rounds of the CPU the command's processes used (user + system, from the kernel's accounting of
waited children). Run it on a quiet machine. A measurement, not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/host_costs.py               # 10 rounds of the commands, 3 gates
    .venv/bin/python benchmarks/host_costs.py --rounds 20 --gates 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from proof.gate import run_gate_modes  # noqa: E402
from proof.vault import VaultStandIn  # noqa: E402

PROGRAM_PYTHON = ROOT / ".venv" / "bin" / "python"       # the tutorial stack's and the corpus programs' venv
PACK_PYTHON = ROOT / "policies" / "venv" / "bin" / "python"
GATE_PROGRAM = ROOT / "tests" / "corpus" / "ct-good-basic-writeonly"
PIP_LIST = "`pip list -v --format json` (program venv, GetRequiredPackages)"
PROBE = "`python -c 'import pulumi.run.plugin'` (pack venv, RunPlugin's probe)"
COMMANDS = {
    "`python -c pass` (interpreter start, for scale)": [str(PROGRAM_PYTHON), "-c", "pass"],
    "`python -c 'import pulumi'` (for scale)": [str(PROGRAM_PYTHON), "-c", "import pulumi"],
    PIP_LIST: [str(PROGRAM_PYTHON), "-m", "pip", "list", "-v", "--format", "json"],
    PROBE: [str(PACK_PYTHON), "-c", "import pulumi.run.plugin"],
}


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def cpu_of(run) -> float:
    before = children_cpu()
    run()
    return children_cpu() - before


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds of the single commands (default 10)")
    parser.add_argument("--gates", type=int, default=3, help="whole corpus gates, for scale (default 3)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.gates < 1:
        parser.error(f"--rounds {args.rounds} / --gates {args.gates}: both must be at least 1")
    for python in (PROGRAM_PYTHON, PACK_PYTHON):
        if not python.is_file():
            sys.exit(f"host_costs: {python} is missing: run `bash scripts/setup` first")

    figures: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for i in range(args.rounds):
        print(f"round {i + 1}/{args.rounds}", file=sys.stderr, flush=True)
        for name, command in COMMANDS.items():
            figures[name].append(cpu_of(lambda: subprocess.run(command, check=True, capture_output=True)))

    gates = []
    vault = VaultStandIn()   # as the tests run them: no passphrase key derivation
    try:
        for i in range(args.gates):
            print(f"gate {i + 1}/{args.gates}: {GATE_PROGRAM.name}", file=sys.stderr, flush=True)
            results = {}
            gates.append(cpu_of(lambda: results.update(run_gate_modes(
                GATE_PROGRAM, ("preview", "update"), policy_packs=[str(ROOT / "policies")], env=vault.env()))))
            failed = [mode for mode, result in results.items() if result.error or result.mandatory]
            if failed:
                sys.exit(f"host_costs: the gate did not pass {GATE_PROGRAM.name} in {failed}; fix that first")
    finally:
        vault.close()

    gate = statistics.median(gates)
    per_run = statistics.median(figures[PIP_LIST]) + statistics.median(figures[PROBE])
    print(f"\nmedian CPU-s over {args.rounds} rounds (user + system):")
    for name, values in figures.items():
        print(f"  {statistics.median(values):6.3f}  {name}")
    print(f"  {gate:6.3f}  one corpus gate, `stack init` + `preview` + `up` with the pack ({GATE_PROGRAM.name}, "
          f"median of {args.gates})")
    print(f"\nthe host's two commands: {per_run:.3f} CPU-s per engine run; a gate runs the engine twice: "
          f"{2 * per_run:.3f} CPU-s, {100 * 2 * per_run / gate:.0f}% of the gate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
