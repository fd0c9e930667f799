"""What the component costs at deploy time: a preview of 1 to 500 instances, against the same resources declared flat.

For each size N, two program directories are generated in a temporary directory (Pulumi.yaml + __main__.py):

* component: N x ``S3TriggeredStateMachine(f"t{i}", {"state_machine_arn": ARN, "delivery": DELIVERY})``;
* flat: the same resources (same types, names and inputs, same Output wiring), registered directly from
  pulumi_aws with no ComponentResource, no argument validation, and the caller-identity/partition/region
  look-ups done once for the program, as a hand-written stack would. The JSON documents come from the
  component's own pure functions (components/bucket.py, trail.py, ...), so they are not retyped.

Before timing, both programs are run once with N=2 and their resources compared (type, name, inputs; auto-name
suffixes normalised): the benchmark refuses to compare programs that declare different things.

Each measurement runs in a fresh subprocess (``python benchmarks/scale.py --child ...``), the flat and the component
program of one size side by side (one core each), so peak RSS is clean:
pulumi, pulumi_aws (with the submodules both programs use), the runner and ``components`` are imported first,
untimed; then ``harness.runner.run_program(dir, preview=True)`` is timed: wall (time.perf_counter), CPU (user+sys,
resource.getrusage) and peak RSS (ru_maxrss) with its growth during the run. Import time is measured in subprocesses
of its own: ``import components`` in a fresh interpreter (it pulls in pulumi and pulumi_aws), and ``components``'s
own modules once pulumi_aws is already loaded (from source, and bytecode-compiled as pip installs it).
A component run whose CPU time passes 2.5 x the flat run's (--patience) is stopped, and larger sizes are skipped.

    .venv/bin/python benchmarks/scale.py                     # sizes 1,10,100,500, EventBridge mode (~100 s)
    .venv/bin/python benchmarks/scale.py --delivery cloudtrail
    .venv/bin/python benchmarks/scale.py --sizes 100 --repeat 5 --repeat-upto 100     # how noisy is one figure?
    .venv/bin/python benchmarks/scale.py --profile 100 --sort tottime   # cProfile (all threads); --profile-flat
    mkdir -p /tmp/old && git archive dec3c37^ components | tar -x -C /tmp/old   # the component before its fix
    .venv/bin/python benchmarks/scale.py --delivery cloudtrail --components-root /tmp/old
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
# pulumi_aws loads its submodules lazily: touching one class of each loads the module for real.
SDK_CLASSES = (("pulumi_aws.s3", "Bucket"), ("pulumi_aws.cloudtrail", "Trail"), ("pulumi_aws.cloudwatch", "EventRule"),
               ("pulumi_aws.iam", "Role"), ("pulumi_aws.sqs", "Queue"), ("pulumi_aws", "get_caller_identity"))

PULUMI_YAML = """name: scale-bench
runtime: python
config:
  aws:region:
    value: us-east-2
"""

HEADER = """import json, sys
sys.path.insert(0, {root!r})
import pulumi
import pulumi_aws as aws
N, DELIVERY, ARN = {n}, {delivery!r}, """ + repr(ARN) + """
"""

COMPONENT_MAIN = HEADER + """from components import S3TriggeredStateMachine

for i in range(N):
    S3TriggeredStateMachine(f"t{i}", {"state_machine_arn": ARN, "delivery": DELIVERY})
"""

# The component's resources, declared one by one (see components/component.py for the original wiring).
FLAT_MAIN = HEADER + """from components import arns, bucket as docs_bucket, role as docs_role, rule as docs_rule
from components import target as docs_target, trail as docs_trail
from components.events import DEFAULT_EVENT_NAMES

account = aws.get_caller_identity().account_id
partition = aws.get_partition().partition
region = aws.get_region().region
stack = pulumi.get_stack()


def j(document):
    return json.dumps(document, sort_keys=True)


def private_bucket(logical, policy):
    created = aws.s3.Bucket(logical, force_destroy=False)
    after = pulumi.ResourceOptions(depends_on=[created])
    aws.s3.BucketOwnershipControls(f"{logical}-ownership", bucket=created.bucket,
                                   rule={"object_ownership": "BucketOwnerEnforced"}, opts=after)
    block = aws.s3.BucketPublicAccessBlock(f"{logical}-public-access-block", bucket=created.bucket,
                                           block_public_acls=True, block_public_policy=True, ignore_public_acls=True,
                                           restrict_public_buckets=True, opts=after)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{logical}-encryption", bucket=created.bucket,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}], opts=after)
    aws.s3.BucketVersioning(f"{logical}-versioning", bucket=created.bucket,
                            versioning_configuration={"status": "Enabled"}, opts=after)
    bucket_policy = aws.s3.BucketPolicy(f"{logical}-policy", bucket=created.bucket,
                                        policy=created.arn.apply(lambda arn: j(policy(arn))),
                                        opts=pulumi.ResourceOptions(depends_on=[created, block]))
    return created, bucket_policy


for i in range(N):
    name = f"t{i}"
    rule_name, trail_name = f"{name}-{stack}-rule", f"{name}-{stack}-trail"
    upload, _ = private_bucket(f"{name}-bucket", docs_bucket.tls_only_bucket_policy)
    if DELIVERY == "eventbridge":
        aws.s3.BucketNotification(f"{name}-bucket-notification", bucket=upload.bucket, eventbridge=True,
                                  opts=pulumi.ResourceOptions(depends_on=[upload]))
    else:
        trail_arn = arns.trail_arn(partition, region, account, trail_name)
        logs, logs_policy = private_bucket(
            f"{name}-trail-logs",
            lambda arn, trail_arn=trail_arn: docs_bucket.cloudtrail_log_bucket_policy(arn, account, trail_arn))
        aws.cloudtrail.Trail(
            f"{name}-trail", name=trail_name, s3_bucket_name=logs.bucket,
            advanced_event_selectors=upload.bucket.apply(lambda b: docs_trail.advanced_event_selectors(
                arns.bucket_arn(partition, b), DEFAULT_EVENT_NAMES, "")),
            enable_logging=True, enable_log_file_validation=True, is_multi_region_trail=False,
            include_global_service_events=False, opts=pulumi.ResourceOptions(depends_on=[logs_policy]))
    rule_arn = arns.rule_arn(partition, region, account, rule_name)
    pattern = upload.bucket.apply(lambda b: j(docs_rule.event_pattern(DELIVERY, b, DEFAULT_EVENT_NAMES, "", "")))
    rule = aws.cloudwatch.EventRule(
        f"{name}-rule", name=rule_name, event_pattern=pattern,
        description=f"New objects in the bucket start the state machine ({DELIVERY} delivery)")
    role = aws.iam.Role(f"{name}-role", assume_role_policy=j(docs_role.events_trust_policy(account, rule_arn)),
                        description="EventBridge starts the state machine for new S3 objects")
    aws.iam.RolePolicy(f"{name}-role-start-execution", role=role.id,
                       policy=j(docs_role.start_execution_policy(ARN)))
    queue = aws.sqs.Queue(f"{name}-dlq", sqs_managed_sse_enabled=True, message_retention_seconds=1209600)
    aws.sqs.QueuePolicy(f"{name}-dlq-policy", queue_url=queue.url, policy=queue.arn.apply(
        lambda arn, rule_arn=rule_arn: j(docs_target.dead_letter_queue_policy(arn, rule_arn))))
    aws.cloudwatch.EventTarget(
        f"{name}-target", rule=rule.name, arn=ARN, role_arn=role.arn,
        retry_policy=docs_target.retry_policy(185, 86400), dead_letter_config={"arn": queue.arn})
"""


def components_root() -> str:
    """Where `components` is imported from: this repository, or --components-root (e.g. a patched copy)."""
    return os.environ.get("SCALE_COMPONENTS_ROOT") or str(REPO)


def write_program(root: Path, kind: str, n: int, delivery: str) -> Path:
    d = root / f"{kind}-{delivery}-{n}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "Pulumi.yaml").write_text(PULUMI_YAML)
    template = COMPONENT_MAIN if kind == "component" else FLAT_MAIN
    header = HEADER.format(root=components_root(), n=n, delivery=delivery)
    (d / "__main__.py").write_text(header + template[len(HEADER):])
    return d


# ------------------------------------------------------------------------------------------------ child process

def _mb(kilobytes: int) -> float:
    return kilobytes / 1024  # ru_maxrss is in KiB on Linux


def child(argv: list[str]) -> None:
    """Runs in a fresh interpreter; prints one JSON line."""
    import resource
    what = argv[0]
    sys.path.insert(0, str(REPO))
    if components_root() != str(REPO):
        sys.path.insert(0, components_root())
    if what == "import-cold":
        t0 = time.perf_counter()
        import components  # noqa: F401
        print(json.dumps({"seconds": time.perf_counter() - t0}))
        return
    import importlib
    t0 = time.perf_counter()
    import pulumi  # noqa: F401
    import pulumi_aws  # noqa: F401
    for module, cls in SDK_CLASSES:
        getattr(importlib.import_module(module), cls)
    t1 = time.perf_counter()
    import components  # noqa: F401
    t2 = time.perf_counter()
    if what == "import-own":
        print(json.dumps({"sdk_seconds": t1 - t0, "seconds": t2 - t1}))
        return
    from harness.runner import run_program
    program_dir = argv[1]
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    w0 = time.perf_counter()
    if what == "profile":
        # The program runs on the runner's worker thread, the SDK's registrations on executor threads: profile
        # every thread started during the run (cProfile only sees the thread that enables it).
        import cProfile
        import pstats
        import threading
        profiles = []

        def per_thread(*_):
            threading.setprofile(None)  # the hook only starts the thread's own profiler
            sys.setprofile(None)
            prof = cProfile.Profile()
            profiles.append(prof)
            prof.enable()
        threading.setprofile(per_thread)
        run = run_program(program_dir, preview=True)
        threading.setprofile(None)
        for prof in profiles:
            prof.disable()
        stats = pstats.Stats(*profiles, stream=sys.stderr)
        stats.sort_stats(argv[2] if len(argv) > 2 else "cumulative").print_stats(40)
        print(json.dumps({"resources": len(run.resources)}))
        return
    run = run_program(program_dir, preview=True)
    wall = time.perf_counter() - w0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "wall": wall, "cpu": (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime),
        "peak_rss_mb": _mb(ru1.ru_maxrss), "rss_growth_mb": _mb(ru1.ru_maxrss - ru0.ru_maxrss),
        "resources": len(run.resources)}))


def spawn(*args: str, env: Optional[dict] = None) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_pair(flat_dir: Path, comp_dir: Path, cpu_limit, wall_limit: float) -> tuple[dict, Optional[dict]]:
    """Run the flat and the component program side by side (one core each). The component run is stopped once its
    CPU time passes `cpu_limit(flat CPU time)`, or after `wall_limit` seconds: returns (flat, None) then."""
    def start(d: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, __file__, "--child", "run", str(d)], cwd=REPO, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def result(proc: subprocess.Popen) -> dict:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"child {proc.args} failed:\n{err[-4000:]}")
        return json.loads(out.strip().splitlines()[-1])

    t0 = time.perf_counter()
    flat_p, comp_p = start(flat_dir), start(comp_dir)
    flat = result(flat_p)
    while comp_p.poll() is None:
        if cpu_seconds(comp_p.pid) > cpu_limit(flat["cpu"]) or time.perf_counter() - t0 > wall_limit:
            comp_p.kill()  # our own child, by its Popen handle
            comp_p.communicate()
            return flat, None
        time.sleep(0.05)
    return flat, result(comp_p)


def median_runs(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


# ------------------------------------------------------------------------------------------------ equivalence

def declared(program_dir: Path) -> list[str]:
    """The custom resources a program declares: type, name, inputs, with `<name>-<7 hex>` auto-names normalised."""
    sys.path.insert(0, str(REPO))
    from harness.runner import run_program
    run = run_program(program_dir, preview=True)
    custom = [r for r in run.resources if r.custom and not r.is_provider]
    autonames = {}
    for r in custom:
        for v in r.inputs.values():
            if isinstance(v, str) and re.fullmatch(re.escape(r.name) + r"-[0-9a-f]{7}", v):
                autonames[v] = f"{r.name}-<auto>"
    out = []
    for r in custom:
        text = json.dumps(r.inputs, sort_keys=True)
        for real, norm in autonames.items():
            text = text.replace(real, norm)
        out.append(f"{r.type} {r.name} {text}")
    return sorted(out)


def check_equivalent(root: Path, delivery: str) -> int:
    comp = declared(write_program(root, "component", 2, delivery))
    flat = declared(write_program(root, "flat", 2, delivery))
    if comp != flat:
        only_c = sorted(set(comp) - set(flat))
        only_f = sorted(set(flat) - set(comp))
        raise SystemExit("the flat program does not declare what the component does:\n  component only:\n    "
                         + "\n    ".join(only_c) + "\n  flat only:\n    " + "\n    ".join(only_f))
    return len(comp) // 2


# ------------------------------------------------------------------------------------------------ report

def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1:])
        return 0
    p = argparse.ArgumentParser(
        prog="benchmarks/scale.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Preview time, CPU and memory of N component instances vs the same resources declared flat.",
        epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--sizes", default="1,10,100,500", help="instance counts, comma-separated (default 1,10,100,500)")
    p.add_argument("--delivery", choices=("cloudtrail", "eventbridge"), default="eventbridge",
                   help="the component's delivery mode (default eventbridge, 13 resources per instance, which keeps a "
                        "default run near two minutes; cloudtrail declares 19 and takes about 2.5 minutes)")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs per measurement for sizes up to --repeat-upto, median shown (default 3)")
    p.add_argument("--repeat-upto", type=int, default=10, metavar="N",
                   help="sizes above N are measured once (default 10)")
    p.add_argument("--patience", type=float, default=2.5,
                   help="stop a component run once its CPU time passes this many times the flat run's (default 2.5, "
                        "at least 10 s); larger sizes are then skipped")
    p.add_argument("--max-seconds", type=float, default=300.0,
                   help="wall-clock limit of one component run (default 300)")
    p.add_argument("--components-root", metavar="DIR",
                   help="import `components` from DIR/components instead of this repository (to measure a fix)")
    p.add_argument("--profile", type=int, metavar="N",
                   help="instead of the benchmark: cProfile the component program with N instances")
    p.add_argument("--profile-flat", action="store_true", help="with --profile: profile the flat program instead")
    p.add_argument("--sort", default="cumulative", help="with --profile: pstats sort key (default cumulative)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.components_root:
        os.environ["SCALE_COMPONENTS_ROOT"] = str(Path(args.components_root).resolve())

    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        root = Path(tmp)
        if args.profile:
            kind = "flat" if args.profile_flat else "component"
            d = write_program(root, kind, args.profile, args.delivery)
            proc = subprocess.run([sys.executable, __file__, "--child", "profile", str(d), args.sort],
                                  capture_output=True, text=True, cwd=REPO)
            print(proc.stderr)
            return proc.returncode

        t_start, load0 = time.perf_counter(), os.getloadavg()
        per_instance = check_equivalent(root, args.delivery)
        print(f"components imported from {components_root()}/components")
        print(f"Preview under harness.runner.run_program, {args.delivery} mode: {per_instance} AWS resources per "
              "instance, identical in both programs (checked).\nEach figure: one fresh subprocess, flat and component "
              f"side by side (one core each); sizes <= {args.repeat_upto}: median of {args.repeat}.\n")
        def limit(flat_cpu: float) -> float:
            return max(10.0, args.patience * flat_cpu)

        rows, results, stopped, notes = [], {}, None, []
        for n in sizes:
            if stopped is not None:
                continue
            flat_dir = write_program(root, "flat", n, args.delivery)
            comp_dir = write_program(root, "component", n, args.delivery)
            repeat = args.repeat if n <= args.repeat_upto else 1
            pairs = [run_pair(flat_dir, comp_dir, limit, args.max_seconds) for _ in range(repeat)]
            flat = median_runs([f for f, _ in pairs])
            comp = median_runs([c for _, c in pairs]) if all(c for _, c in pairs) else None
            if comp is None:
                stopped = n
            results[n] = (flat, comp)
            cells = ([f"{comp['wall']:.2f}", f"{comp['wall'] / flat['wall']:.2f}x", f"{comp['cpu']:.2f}",
                      f"{comp['cpu'] / flat['cpu']:.2f}x", f"{comp['peak_rss_mb']:.0f}",
                      f"{1000 * comp['cpu'] / n:.0f}"] if comp else
                     ["stopped", "", f"> {limit(flat['cpu']):.1f}", f"> {limit(flat['cpu']) / flat['cpu']:.1f}x",
                      "", ""])
            if comp is None:
                notes.append(f"The component run with {n} instances was stopped after {limit(flat['cpu']):.0f} s of "
                             f"CPU (or {args.max_seconds:.0f} s of wall time); the flat run took {flat['cpu']:.1f} s "
                             "of CPU. Larger sizes skipped. Find the cause with --profile 40 --sort tottime.")
            rows.append([str(n), str(flat["resources"] - 2), f"{flat['cpu']:.2f}", cells[2], cells[3],
                         f"{flat['wall']:.2f}", cells[0], cells[1], f"{flat['peak_rss_mb']:.0f}", cells[4],
                         f"{1000 * flat['cpu'] / n:.0f}", cells[5]])
        print(table(["instances", "AWS resources", "flat CPU s", "comp CPU s", "ratio", "flat wall s", "comp wall s",
                     "ratio", "flat peak MB", "comp peak MB", "flat CPU ms/inst", "comp CPU ms/inst"], rows))

        for note in notes:
            print(note)
        growth = []
        done = [n for n in sizes if n in results]
        for a, b in zip(done, done[1:]):
            (fa, ca), (fb, cb) = results[a], results[b]
            grow = lambda x, y, k: f"x{y[k] / x[k]:.2f}" if x and y and x[k] > 0 else ""  # noqa: E731
            growth.append([f"{a} -> {b}", f"x{b / a:g}", grow(fa, fb, "cpu"), grow(ca, cb, "cpu"),
                           grow(fa, fb, "rss_growth_mb"), grow(ca, cb, "rss_growth_mb")])
        if growth:
            print("\nGrowth (linear = the instance factor; memory = RSS growth during the run)")
            print(table(["instances", "factor", "flat CPU", "comp CPU", "flat memory", "comp memory"], growth))

        cold = statistics.median(spawn("import-cold")["seconds"] for _ in range(3))
        own_runs = [spawn("import-own") for _ in range(3)]
        own = statistics.median(r["seconds"] for r in own_runs)
        sdk = statistics.median(r["sdk_seconds"] for r in own_runs)
        # As pip installs it: bytecode compiled. (This machine sets PYTHONDONTWRITEBYTECODE, so imports from the
        # work tree compile every module each time.)
        compiled = root / "compiled"
        shutil.copytree(Path(components_root()) / "components", compiled / "components",
                        ignore=shutil.ignore_patterns("__pycache__"))
        compileall.compile_dir(compiled / "components", quiet=1)
        own_pyc = statistics.median(spawn("import-own", env={"SCALE_COMPONENTS_ROOT": str(compiled)})["seconds"]
                                    for _ in range(3))
        one_dir = write_program(root, "component", 1, args.delivery)
        whole = []
        for _ in range(3):
            t0 = time.perf_counter()
            whole.append((spawn("run", str(one_dir))["wall"], time.perf_counter() - t0))
        one_run = statistics.median(w[0] for w in whole)
        one_proc = statistics.median(w[1] for w in whole)
        print("\nImport time vs a one-instance preview (median of 3 fresh interpreters each)")
        print(table(["what", "seconds", "components' import as %"], [
            ["import components in a fresh interpreter (pulls in pulumi, pulumi_aws)", f"{cold:.3f}", ""],
            ["pulumi + pulumi_aws + the 5 submodules both programs use", f"{sdk:.3f}", ""],
            ["components' own modules (SDK already loaded), from source", f"{own:.3f}", ""],
            ["components' own modules (SDK already loaded), bytecode-compiled", f"{own_pyc:.3f}", ""],
            ["one-instance preview, run_program only (SDK, components preloaded)", f"{one_run:.3f}",
             f"{100 * own / one_run:.1f}% / {100 * own_pyc / one_run:.1f}%"],
            ["one-instance preview, whole process (start, imports, run, exit)", f"{one_proc:.3f}",
             f"{100 * own / one_proc:.1f}% / {100 * own_pyc / one_proc:.1f}%"]]))
        print("(components' import as %: from source / bytecode-compiled)")
        print(f"\nTotal benchmark time {time.perf_counter() - t_start:.0f} s; load average at the start "
              f"{load0[0]:.1f}, at the end {os.getloadavg()[0]:.1f} (wall times need an idle machine; CPU times "
              "are what the goals are judged on).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
