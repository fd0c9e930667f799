"""checkov 3 on the tutorial stack, rendered as a Terraform plan JSON from the real engine's registrations.

For each configuration: a throwaway stack of the program (`proof.stack.ThrowawayStack`, the real Pulumi CLI with the
stand-in aws provider's offline backend) is brought `up`; `pulumi stack export` gives each resource's type, inputs,
outputs, dependencies and property dependencies; `benchmarks/checkov_render.py` renders them as the Terraform plan
that pulumi-aws's bridged provider corresponds to; checkov scans it (`--framework terraform_plan`). Prints each
configuration's passed and failed counts and every failed check with its resources, and exits 1 when a failed check
has no disposition in `DISPOSITIONS` (README "Scanners"), so a new finding cannot slip in unexplained.

checkov pins many packages (boto3, botocore, networkx, pydantic, ...) that clash with the project's, so it gets a
virtualenv of its own, `.venv-checkov`, installed on first use from `benchmarks/requirements-checkov.txt` (about a
minute), like LocalStack's `.venv-localstack`.

    .venv/bin/python benchmarks/checkov_scan.py                     # every configuration below
    .venv/bin/python benchmarks/checkov_scan.py --only console --plans /tmp/plans --json results.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.checkov_render import render_plan  # noqa: E402

VENV = REPO / ".venv-checkov"
REQUIREMENTS = REPO / "benchmarks" / "requirements-checkov.txt"
CONSOLE = REPO / "benchmarks" / "console_stack"

#: name -> (program, config)
CONFIGURATIONS = {
    "cloudtrail": (REPO, {"delivery": "cloudtrail"}),
    "eventbridge": (REPO, {"delivery": "eventbridge"}),
    "cloudtrail-kms": (REPO, {"delivery": "cloudtrail", "kmsKey": "true", "accessLogging": "true"}),
    "eventbridge-kms": (REPO, {"delivery": "eventbridge", "kmsKey": "true", "accessLogging": "true"}),
    "console": (CONSOLE, {}),
}

#: Every check that fails on the component's stack, and why it does not apply (README "Scanners" has the table).
DISPOSITIONS = {
    "CKV_AWS_67": "multi-region trail: a trigger trail logs one bucket's data events in its region; CloudTrail "
                  "events reach rules in their own region only, and a multi-region trail bills every region",
    "CKV_AWS_252": "trail SNS topic: nobody reads a notification per log file; the rule is the consumer",
    "CKV2_AWS_10": "trail to CloudWatch Logs: the data events already go to EventBridge; a log group copy of every "
                   "upload's event is billed ingestion with no reader",
    "CKV_AWS_35": "trail log files SSE-KMS: applies, and is done with kms_key_arn (the default has no key: a key "
                  "without the right key policy silently stops delivery, README \"Customer-managed KMS keys\")",
    "CKV_AWS_145": "SSE-KMS by default: done with kms_key_arn; the access log bucket stays SSE-S3, the only "
                   "encryption S3 server access logging can write into",
    "CKV_AWS_18": "access logging: optional (access_logging); the trail's log bucket and the access log bucket are "
                  "never logged (logging a log bucket logs its own delivery)",
    "CKV_AWS_144": "cross-region replication: the trigger's buckets are working storage in one region; replicating "
                   "uploads doubles storage and would start nothing in the other region",
    "CKV2_AWS_62": "S3 event notifications: in CloudTrail mode the trail delivers the events; log buckets notify "
                   "nobody by design",
    "CKV_AWS_27": "SQS encryption: the dead-letter queue uses SQS-managed SSE (or the key with kms_key_arn); checkov "
                  "reads only kms_master_key_id",
    "CKV_AWS_26": "SNS topic encryption: with kms_key_arn the alarm topic uses the key; without one it stays "
                  "unencrypted, because CloudWatch alarms cannot publish to a topic under the AWS-managed key",
    "CKV_AWS_158": "log group KMS: done with kmsKey; without a key CloudWatch Logs encrypts with its own key",
    "CKV_AWS_338": "log retention of a year or more: the execution logs are kept 365 days (README)",
    "CKV2_AWS_64": "KMS key policy: the key is created with the complete policy of components/s3_triggered_state_machine/kms.py",
    "CKV_AWS_355": "IAM '*' resource: Step Functions documents its log-delivery and X-Ray actions with Resource '*' "
                   "(they have no resource type)",
    "CKV_AWS_290": "IAM write without constraints: the same log-delivery and X-Ray actions, which take no resource",
    "CKV_AWS_284": "X-Ray tracing: on for Helloworld",
    "CKV_AWS_285": "execution data in the logs: Helloworld logs at ERROR without execution data by default (each "
                   "state's input is the event: bucket, key, and in CloudTrail mode the uploader's identity, often "
                   "personal data, in a log group more people read than the bucket); includeExecutionData=true "
                   "passes it",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_checkov() -> Path:
    """`.venv-checkov/bin/checkov`, installing the virtualenv from the pinned requirements on first use."""
    checkov = VENV / "bin" / "checkov"
    stamp = VENV / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if checkov.exists() and stamp.exists() and stamp.read_text() == wanted:
        return checkov
    log(f"installing checkov into {VENV.relative_to(REPO)} from {REQUIREMENTS.relative_to(REPO)} (about a minute)...")
    started = time.monotonic()
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--disable-pip-version-check", "--progress-bar", "off",
                    "-r", str(REQUIREMENTS)], check=True, stdout=sys.stderr)
    stamp.write_text(wanted)
    log(f"checkov installed in {time.monotonic() - started:.0f} s")
    return checkov


def stack_resources(program: Path, config: dict) -> list[dict]:
    """The resources of a throwaway offline stack of `program` after `pulumi up`, as the engine keeps them."""
    from proof.stack import ThrowawayStack  # noqa: PLC0415 - imported late: the CLI environment is only needed here

    with ThrowawayStack(program, config=config) as stack:
        stack.up()
        return stack.resources()


def run_checkov(checkov: Path, plan_file: Path) -> dict:
    proc = subprocess.run([str(checkov), "-f", str(plan_file), "--framework", "terraform_plan", "-o", "json",
                           "--skip-download", "--compact"], capture_output=True, text=True, timeout=900)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"checkov exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    report = json.loads(proc.stdout)
    report = report[0] if isinstance(report, list) else report
    return report.get("results", {})


def summarize(results: dict) -> dict:
    def rows(kind: str) -> dict:
        out: dict = {}
        for check in results.get(kind, []):
            entry = out.setdefault(check["check_id"], {"name": check.get("check_name", ""), "resources": []})
            entry["resources"].append(check.get("resource", ""))
        return out

    passed, failed = results.get("passed_checks", []), results.get("failed_checks", [])
    return {"passed": len(passed), "failed": len(failed), "failed_checks": rows("failed_checks"),
            "passed_checks": rows("passed_checks")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(CONFIGURATIONS),
                        help="scan only this configuration (repeatable)")
    parser.add_argument("--plans", type=Path, help="keep the rendered plan JSON files in this directory")
    parser.add_argument("--json", type=Path, help="write the summaries as JSON to this file")
    parser.add_argument("--program", type=Path, default=REPO,
                        help="the tutorial program to scan instead of this checkout's (e.g. a worktree of an older "
                             "commit, for before/after figures)")
    args = parser.parse_args(argv)

    checkov = ensure_checkov()
    plans = args.plans or Path(tempfile.mkdtemp(prefix="s3tsm-checkov-"))
    plans.mkdir(parents=True, exist_ok=True)
    summaries, unexplained = {}, set()
    for name in args.only or list(CONFIGURATIONS):
        program, config = CONFIGURATIONS[name]
        program = args.program.resolve() if program == REPO else program
        log(f"[{name}] pulumi up (offline stand-in) of {program} {config or ''}...")
        resources = stack_resources(program, config)
        plan_file = plans / f"{name}.tfplan.json"
        plan_file.write_text(json.dumps(render_plan(resources), indent=1, sort_keys=True))
        log(f"[{name}] checkov on {plan_file} ({sum(1 for r in resources if r['type'].startswith('aws:'))} aws "
            "resources)...")
        summary = summaries[name] = summarize(run_checkov(checkov, plan_file))
        print(f"\n## {name}: {summary['passed']} passed, {summary['failed']} failed")
        for check_id, entry in sorted(summary["failed_checks"].items()):
            explained = check_id in DISPOSITIONS
            if not explained and program != CONSOLE:
                unexplained.add(check_id)
            print(f"  FAILED {check_id} {entry['name']}")
            for resource in sorted(set(entry["resources"])):
                print(f"         {resource}")
            if program != CONSOLE:
                print(f"         -> {DISPOSITIONS.get(check_id, 'NO DISPOSITION: fix it or explain it')}")
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=1, sort_keys=True))
    print("\n| configuration | passed | failed |\n| --- | --- | --- |")
    for name, summary in summaries.items():
        print(f"| {name} | {summary['passed']} | {summary['failed']} |")
    if unexplained:
        print(f"\nfailed checks without a disposition: {', '.join(sorted(unexplained))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
