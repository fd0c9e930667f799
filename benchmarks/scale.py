"""What the component costs at deploy time: the real engine's `pulumi preview` of N instances, against the same
resources declared flat.

For each size N, two program directories are generated in a temporary directory (Pulumi.yaml + __main__.py):

* component: N x ``S3TriggeredStateMachine(f"t{i}", {"state_machine_arn": ARN, "delivery": DELIVERY})``;
* flat: the same resources (same types, names and inputs), registered directly from pulumi_aws with no
  ComponentResource and no argument validation, the caller-identity/partition/region look-ups done once, as a
  hand-written stack would. The JSON documents come from the component's own pure functions, so they are not
  retyped.

Before timing, both programs are previewed once with N=2 and the engine's planned resources compared (type, name,
inputs; auto-name suffixes normalised): the benchmark refuses to compare programs that declare different things.
Then, per size, each program gets a throwaway stack (proof/stack.py: the real CLI, the stand-in aws provider's
offline backend) and `pulumi preview` runs alternately for the two, `--repeat` times: wall time, and the CPU time of
every process of the run (the CLI, the language host, the program, the provider: RUSAGE_CHILDREN). Import time of
`s3_triggered_state_machine` is measured in fresh interpreters.

A measurement, not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/scale.py                     # sizes 1,10,100, EventBridge mode
    .venv/bin/python benchmarks/scale.py --delivery cloudtrail --sizes 10,50 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from proof.stack import ThrowawayStack  # noqa: E402

ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
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

COMPONENT_MAIN = HEADER + """from s3_triggered_state_machine import S3TriggeredStateMachine

for i in range(N):
    S3TriggeredStateMachine(f"t{i}", {"state_machine_arn": ARN, "delivery": DELIVERY})
"""

# The component's resources, declared one by one (see components/s3_triggered_state_machine/component.py for the original wiring).
FLAT_MAIN = HEADER + """from s3_triggered_state_machine import alarms as docs_alarms, arns, bucket as docs_bucket, role as docs_role, rule as docs_rule
from s3_triggered_state_machine import lifecycle as docs_lifecycle, target as docs_target, trail as docs_trail
from s3_triggered_state_machine.events import DEFAULT_EVENT_NAMES

account = aws.get_caller_identity().account_id
partition = aws.get_partition().partition
region = aws.get_region().region
stack = pulumi.get_stack()


def j(document):
    return json.dumps(document, sort_keys=True)


def private_bucket(logical, policy, lifecycle_rules, eventbridge=False):
    # As the component: one setting at a time, each after the previous one (S3's OperationAborted).
    created = aws.s3.Bucket(logical, force_destroy=False)
    previous = created
    previous = aws.s3.BucketOwnershipControls(f"{logical}-ownership", bucket=created.bucket,
                                              rule={"object_ownership": "BucketOwnerEnforced"},
                                              opts=pulumi.ResourceOptions(depends_on=[previous]))
    previous = aws.s3.BucketPublicAccessBlock(f"{logical}-public-access-block", bucket=created.bucket,
                                              block_public_acls=True, block_public_policy=True,
                                              ignore_public_acls=True, restrict_public_buckets=True,
                                              opts=pulumi.ResourceOptions(depends_on=[previous]))
    previous = aws.s3.BucketServerSideEncryptionConfiguration(
        f"{logical}-encryption", bucket=created.bucket,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
        opts=pulumi.ResourceOptions(depends_on=[previous]))
    previous = aws.s3.BucketVersioning(f"{logical}-versioning", bucket=created.bucket,
                                       versioning_configuration={"status": "Enabled"},
                                       opts=pulumi.ResourceOptions(depends_on=[previous]))
    previous = aws.s3.BucketLifecycleConfiguration(f"{logical}-lifecycle", bucket=created.bucket,
                                                   rules=lifecycle_rules,
                                                   opts=pulumi.ResourceOptions(depends_on=[previous]))
    if eventbridge:
        previous = aws.s3.BucketNotification(f"{logical}-notification", bucket=created.bucket, eventbridge=True,
                                             opts=pulumi.ResourceOptions(depends_on=[previous]))
    bucket_policy = aws.s3.BucketPolicy(f"{logical}-policy", bucket=created.bucket,
                                        policy=created.arn.apply(lambda arn: j(policy(arn))),
                                        opts=pulumi.ResourceOptions(depends_on=[previous]))
    return created, bucket_policy


for i in range(N):
    name = f"t{i}"
    rule_name, trail_name = f"{name}-{stack}-rule", f"{name}-{stack}-trail"
    upload, _ = private_bucket(f"{name}-bucket", docs_bucket.tls_only_bucket_policy,
                               docs_lifecycle.upload_bucket_rules(30), DELIVERY == "eventbridge")
    if DELIVERY != "eventbridge":
        trail_arn = arns.trail_arn(partition, region, account, trail_name)
        logs, logs_policy = private_bucket(
            f"{name}-trail-logs",
            lambda arn, trail_arn=trail_arn: docs_bucket.cloudtrail_log_bucket_policy(arn, account, trail_arn),
            docs_lifecycle.log_bucket_rules(365))
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
    topic = aws.sns.Topic(f"{name}-alarms")
    definitions = docs_alarms.alarm_definitions(
        rule_name, pulumi.Output.from_input(ARN), queue.name,
        docs_alarms.Thresholds(docs_alarms.default_thresholds(), docs_alarms.DEFAULT_PERIOD_SECONDS,
                               docs_alarms.DEFAULT_EVALUATION_PERIODS), (topic.arn,), trigger=name)
    for key, definition in definitions.items():
        aws.cloudwatch.MetricAlarm(f"{name}{docs_alarms.logical_suffix(key)}", **definition)
"""


def write_program(root: Path, kind: str, n: int, delivery: str) -> Path:
    d = root / f"{kind}-{delivery}-{n}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "Pulumi.yaml").write_text(PULUMI_YAML)
    template = COMPONENT_MAIN if kind == "component" else FLAT_MAIN
    header = HEADER.format(root=str(REPO), n=n, delivery=delivery)
    (d / "__main__.py").write_text(header + template[len(HEADER):])
    return d


def declared(program_dir: Path) -> list[str]:
    """The engine's planned resources of a program: (type, name, inputs) with auto-name suffixes normalised."""
    with ThrowawayStack(program_dir) as stack:
        result = stack.pulumi("preview", "--json")
    rows = []
    for step in json.loads(result.stdout)["steps"]:
        state = step.get("newState") or {}
        if not state.get("custom") or state["type"].startswith("pulumi:providers:"):
            continue
        inputs = re.sub(r"-[0-9a-f]{7}\b", "-*", json.dumps(state.get("inputs") or {}, sort_keys=True))
        rows.append(f"{state['type']} {state['urn'].split('::')[-1]} {inputs}")
    return sorted(rows)


def check_equivalent(root: Path, delivery: str) -> int:
    comp, flat = (declared(write_program(root, kind, 2, delivery)) for kind in ("component", "flat"))
    if comp != flat:
        only_c, only_f = sorted(set(comp) - set(flat)), sorted(set(flat) - set(comp))
        raise SystemExit("the flat program does not declare what the component declares:\n  component only: "
                         + "\n  ".join(only_c[:5]) + "\n  flat only: " + "\n  ".join(only_f[:5]))
    return len(comp)


def timed_preview(stack: ThrowawayStack) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = stack.pulumi("preview", "--json")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, sum(json.loads(result.stdout)["changeSummary"].values())


def import_seconds() -> float:
    code = "import time; t=time.perf_counter(); import s3_triggered_state_machine; print(time.perf_counter()-t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)]
    return statistics.median(runs)


def main() -> int:
    p = argparse.ArgumentParser(prog="benchmarks/scale.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1,10,100", help="instance counts, comma-separated (default 1,10,100)")
    p.add_argument("--delivery", choices=("cloudtrail", "eventbridge"), default="eventbridge")
    p.add_argument("--repeat", type=int, default=3, help="previews per program and size (default 3)")
    args = p.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    os.environ["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    print(f"real pulumi preview, stand-in aws provider (offline); delivery={args.delivery}; {args.repeat} runs each, "
          f"alternating; load average {os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        root = Path(tmp)
        print(f"equivalence at N=2: {check_equivalent(root, args.delivery)} resources each, identical", flush=True)
        for n in sizes:
            stacks = {kind: ThrowawayStack(write_program(root, kind, n, args.delivery), workdir=root / f"st-{kind}-{n}")
                      for kind in ("flat", "component")}
            for stack in stacks.values():
                stack.create()
            runs: dict = {"flat": [], "component": []}
            try:
                for i in range(args.repeat):
                    for kind, stack in stacks.items():
                        wall, cpu, count = timed_preview(stack)
                        runs[kind].append((wall, cpu, count))
                        print(f"  N={n:<4} run {i + 1} {kind:<9} wall {wall:7.2f} s  cpu {cpu:7.2f} s", flush=True)
            finally:
                for stack in stacks.values():
                    stack.remove()
            med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v), v[0][2])
                   for k, v in runs.items()}
            rows.append((n, med))
    print()
    print("| instances | resources | flat wall (s) | component wall (s) | flat CPU (s) | component CPU (s) | CPU ratio |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, med in rows:
        (fw, fc, res), (cw, cc, _) = med["flat"], med["component"]
        print(f"| {n} | {res} | {fw:.2f} | {cw:.2f} | {fc:.2f} | {cc:.2f} | {cc / fc:.2f}x |")
    print(f"\nimport s3_triggered_state_machine (fresh interpreter, with pulumi and pulumi_aws): {import_seconds() * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
