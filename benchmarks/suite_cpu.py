"""Where the test suite's CPU goes, by process: the whole README test command (`bash scripts/test`) under the
kernel's process accounting, every process that ran in it classified by what it was.

BSD process accounting (`accton`, Debian's package `acct`; root only) writes one record per process when it ends:
its command name, parent, and user and system CPU. Nothing is sampled, so short processes (pip's `list`, a
language host's probe) count in full. Each record is classified by its command name and its parent's:

    engine (pulumi CLI)                      every `pulumi` command the tests run
    Python under a language host             the programs, the policy packs, `pip list`, the packs' runtime probe
    Python under the engine                  the stand-in aws provider (the engine starts it as a plugin)
    language hosts (pulumi-language-*)       the Go language hosts themselves
    node                                     TypeScript programs and packs, npm, tsc
    other Python                             the pytest workers, LocalStack, the tools the tests run
    other                                    shells, git, the rest

The accounting covers the whole machine while it runs: run it on a quiet machine. It prints the table, the
processes counted and the machine's busy CPU-seconds from /proc/stat over the same time, which should agree within a
few percent. A measurement, not a test: nothing here asserts a time.

    sudo apt-get install acct                           # once (accton, dump-acct)
    .venv/bin/python benchmarks/suite_cpu.py            # the whole suite
    .venv/bin/python benchmarks/suite_cpu.py tests/corpus/test_corpus.py
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Names a Python process can end with: the interpreter's, or one of its threads' (the kernel records the name of the
#: thread that exits last: grpc's and LocalStack's threads name themselves).
PYTHON_NAMES = ("python", "event_engine", "grpc_global_tim", "lifeguard")
KINDS = ("engine (pulumi CLI)", "Python under a language host", "Python under the engine (stand-in provider)",
         "language hosts (pulumi-language-*)", "node", "other Python", "other")


def busy_seconds() -> float:
    """The machine's busy CPU-seconds so far (user, nice, system, irq, softirq of /proc/stat's first line)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields[i] for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")


def records(dump: str) -> dict[int, tuple[str, float, int]]:
    """pid -> (command, CPU seconds, parent pid), from `dump-acct` output (its fields: command | version | user |
    system | elapsed | uid | gid | memory | io | pid | ppid | ...; times in the kernel's AHZ, 100 per second)."""
    out = {}
    for line in dump.splitlines():
        fields = [f.strip() for f in line.split("|")]
        if len(fields) >= 11 and fields[1] == "v3":
            out[int(fields[9])] = (fields[0], (float(fields[2]) + float(fields[3])) / 100, int(fields[10]))
    return out


def kind(command: str, parent: str) -> str:
    if command == "pulumi":
        return KINDS[0]
    if command.startswith("pulumi-language"):
        return KINDS[3]
    if command.startswith(PYTHON_NAMES):
        if parent.startswith("pulumi-language"):
            return KINDS[1]
        return KINDS[2] if parent == "pulumi" else KINDS[5]
    return KINDS[4] if command == "node" else KINDS[6]


def table(recs: dict[int, tuple[str, float, int]]) -> dict[str, list]:
    by = {k: [0.0, 0] for k in KINDS}
    for command, cpu, ppid in recs.values():
        row = by[kind(command, recs.get(ppid, ("?",))[0])]
        row[0] += cpu
        row[1] += 1
    return by


def main(argv: list[str]) -> int:
    if os.geteuid() != 0 or not (shutil.which("accton") and shutil.which("dump-acct")):
        sys.exit("suite_cpu: needs root and Debian's `acct` package (accton, dump-acct): sudo apt-get install acct")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "pacct"
        log.touch()
        subprocess.run(["accton", str(log)], check=True, capture_output=True)
        busy, start = busy_seconds(), time.time()
        try:
            code = subprocess.call(["bash", str(ROOT / "scripts" / "test"), "-p", "no:cacheprovider", *argv], cwd=ROOT)
        finally:
            subprocess.run(["accton", "off"], check=True, capture_output=True)
        busy, wall = busy_seconds() - busy, time.time() - start
        dump = subprocess.run(["dump-acct", str(log)], check=True, capture_output=True, text=True).stdout
    recs = records(dump)
    by = table(recs)
    total = sum(cpu for cpu, _ in by.values())
    print(f"\n`bash scripts/test {' '.join(argv)}`: exit {code}, {wall:.0f} s wall, machine busy {busy:.0f} CPU-s "
          f"(/proc/stat); {len(recs)} processes, {total:.0f} CPU-s accounted")
    for name, (cpu, count) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        print(f"{cpu:8.1f} CPU-s {100 * cpu / total:5.1f}%  {count:6d} processes  {name}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
