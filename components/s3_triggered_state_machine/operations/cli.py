"""The command line: `s3-triggered-state-machine redrive|backfill|verify [options]` (also
`python -m s3_triggered_state_machine.operations`).

Settings come from, in increasing precedence: the rule's target in AWS (the state machine and whether it has an
input transformer, when the rule name is known), the stack's outputs (`--stack-outputs FILE`, or `-` to read
`pulumi stack output --json` from a pipe), and explicit flags.

Exit status: 0 when everything asked for was done, 1 when some object or message failed (see the summary) or, for
`verify`, when a canary upload started no execution in time (the diagnosis names the missing link), 2 for an error
that stopped the command (bad settings, no such bucket or state machine, no permission).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, Optional, Sequence

from .documents import account_of, from_outputs, merge_settings, region_of, settings_problem
from .starter import DEFAULT_RATE, OperationError, summary_json

PROG = "s3-triggered-state-machine"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Operate an S3TriggeredStateMachine trigger: redrive its "
                                     "dead-letter queue, backfill the objects already in its bucket, verify it "
                                     "end to end with a canary upload.")
    sub = parser.add_subparsers(dest="command", required=True)
    base = argparse.ArgumentParser(add_help=False)
    base.add_argument("--stack-outputs", metavar="FILE", help="the stack's outputs as JSON (`pulumi stack output "
                      "--json`); - reads them from stdin")
    base.add_argument("--state-machine-arn")
    base.add_argument("--rule-name", help="the trigger's EventBridge rule (to read its target's settings)")
    base.add_argument("--input-format", choices=("event", "object"))
    base.add_argument("--delivery", choices=("cloudtrail", "eventbridge"))
    base.add_argument("--queue-url", help="the dead-letter queue's URL")
    base.add_argument("--region", help="default: the state machine ARN's region")
    base.add_argument("--endpoint-url", help="an AWS endpoint to use instead of AWS's (e.g. LocalStack)")
    base.add_argument("--summary", metavar="FILE", help="also write the summary as JSON to FILE")
    common = argparse.ArgumentParser(add_help=False, parents=[base])
    common.add_argument("--dry-run", action="store_true", help="say what would be started; start and delete nothing")
    common.add_argument("--limit", type=int, help="handle at most this many objects or messages")
    common.add_argument("--rate", type=float, default=DEFAULT_RATE,
                        help=f"StartExecution calls per second at most (default {DEFAULT_RATE:g}; Step Functions "
                             "allows 150-300 per second per account and region, shared with the trigger)")

    redrive = sub.add_parser("redrive", parents=[common], help="start the executions of the events in the "
                             "dead-letter queue; delete each message once its execution has started")
    redrive.add_argument("--visibility-timeout", type=int, default=60,
                         help="seconds a message being handled stays hidden from other readers (default 60)")

    backfill = sub.add_parser("backfill", parents=[common], help="start one execution per object already in the "
                              "bucket that the trigger would have started one for")
    backfill.add_argument("--bucket")
    backfill.add_argument("--key-prefix")
    backfill.add_argument("--key-suffix")
    when = backfill.add_mutually_exclusive_group()
    when.add_argument("--before", "--deployed-at", dest="before", metavar="TIME",
                      help="only objects last modified before TIME (ISO 8601, e.g. 2025-01-31T12:00:00Z), e.g. when "
                           "the trigger went live. Default: when this backfill starts, so that no object is skipped; "
                           "objects uploaded between the trigger going live and then run twice")
    when.add_argument("--all-objects", action="store_true",
                      help="no cutoff: objects uploaded while the backfill runs get a second execution too")
    backfill.add_argument("--key-encoding", choices=("raw", "url"), default="raw",
                          help="EventBridge mode: the key in synthesized events as stored (raw, default) or "
                               "percent-encoded (url)")
    backfill.add_argument("--start-after", metavar="KEY", help="resume after this key (the summary prints it)")

    verify = sub.add_parser("verify", parents=[base], help="upload a canary object the trigger matches, wait for the "
                            "execution it starts (a real execution of your state machine), print the delivery path "
                            "and latency, delete the object; on a time-out, name the missing link")
    verify.add_argument("outputs", nargs="?", metavar="STACK-OUTPUTS", help="the stack's outputs as JSON, a file or "
                        "- for stdin (the same as --stack-outputs)")
    verify.add_argument("--prefix", required=True, help="where the canary objects go: a key prefix of your choosing "
                        "that the trigger matches (e.g. incoming/canary/), so your workflow can tell them apart")
    verify.add_argument("--bucket")
    verify.add_argument("--key-prefix")
    verify.add_argument("--key-suffix")
    verify.add_argument("--trail-name", help="CloudTrail mode: the trail to inspect on a time-out (default: the "
                        "stack's trailName output, else every trail in the region)")
    verify.add_argument("--multipart", action="store_true", help="also check a multipart upload (5 MiB + 1 byte, "
                        "CompleteMultipartUpload)")
    verify.add_argument("--timeout", type=float, help="seconds to wait for each execution (default: 120 in "
                        "EventBridge mode, 900 in CloudTrail mode, whose delivery is best effort and takes minutes)")
    verify.add_argument("--poll", type=float, default=2.0, help="seconds between looks (default 2)")
    return parser


def _time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _read_outputs(source: Optional[str], stdin: Any) -> dict:
    if not source:
        return {}
    text = stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    try:
        outputs = json.loads(text)
    except ValueError as error:
        raise OperationError(f"--stack-outputs {source}: not JSON ({error}); expected `pulumi stack output "
                             "--json`") from error
    if not isinstance(outputs, dict):
        raise OperationError(f"--stack-outputs {source}: expected a JSON object of outputs")
    return from_outputs(outputs)


class Clients:
    """boto3 clients for one region and endpoint, made on first use. boto3 is the `ops` extra."""

    def __init__(self, region: Optional[str], endpoint_url: Optional[str]) -> None:
        try:
            import boto3  # noqa: PLC0415
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise OperationError("boto3 is not installed: pip install 's3-triggered-state-machine[ops]'") from error
        self._session = boto3.session.Session(region_name=region)
        self.endpoint_url, self._made = endpoint_url, {}

    def __call__(self, service: str) -> Any:
        if service not in self._made:
            self._made[service] = self._session.client(service, endpoint_url=self.endpoint_url)
        return self._made[service]


def _from_target(clients: Clients, rule_name: str, stderr: Any) -> dict:
    """What the rule's target says: its state machine, whether it transforms the input, its dead-letter queue."""
    try:
        targets = clients("events").list_targets_by_rule(Rule=rule_name)["Targets"]
    except Exception as error:  # best effort: flags and outputs can say the same
        print(f"note: could not read the targets of rule {rule_name!r} ({error}); give --input-format and "
              "--state-machine-arn if they are missing", file=stderr, flush=True)
        return {}
    states = [t for t in targets if ":states:" in t.get("Arn", "")]
    if len(states) != 1:
        return {}
    target = states[0]
    found = {"state_machine_arn": target["Arn"], "input_format": "object" if target.get("InputTransformer") else
             "event"}
    queue_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
    if queue_arn:
        found["queue_arn"] = queue_arn
    return found


def _queue_url(clients: Clients, queue_arn: str) -> Optional[str]:
    name, account = queue_arn.split(":")[-1], account_of(queue_arn)
    try:
        kwargs = {"QueueName": name, **({"QueueOwnerAWSAccountId": account} if account else {})}
        return clients("sqs").get_queue_url(**kwargs)["QueueUrl"]
    except Exception as error:
        raise OperationError(f"the dead-letter queue {queue_arn} was not found: {error}") from error


def _settings(args: argparse.Namespace, stdin: Any, stderr: Any) -> tuple[dict, Clients]:
    if getattr(args, "outputs", None) and args.stack_outputs and args.outputs != args.stack_outputs:
        raise OperationError("give the stack's outputs once: as STACK-OUTPUTS or as --stack-outputs")
    outputs = _read_outputs(args.stack_outputs or getattr(args, "outputs", None), stdin)
    flags = {k: getattr(args, k, None) for k in ("state_machine_arn", "rule_name", "input_format", "delivery",
                                                 "queue_url", "bucket", "key_prefix", "key_suffix", "trail_name")}
    settings = merge_settings(outputs, flags)
    region = args.region or region_of(settings.get("state_machine_arn") or "") or \
        region_of(settings.get("queue_arn") or "")
    clients = Clients(region, args.endpoint_url)
    if settings.get("rule_name") and (not settings.get("input_format") or not settings.get("state_machine_arn")):
        settings = merge_settings(_from_target(clients, settings["rule_name"], stderr), settings)
    if not region and settings.get("state_machine_arn"):
        clients = Clients(region_of(settings["state_machine_arn"]), args.endpoint_url)
    if not settings.get("queue_url") and settings.get("queue_arn"):
        settings["queue_url"] = _queue_url(clients, settings["queue_arn"])
    return settings, clients


def _write_summary(path: Optional[str], text: str) -> None:
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")


def main(argv: Optional[Sequence[str]] = None, stdin: Any = None, stdout: Any = None, stderr: Any = None) -> int:
    args = _parser().parse_args(argv)
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        if getattr(args, "limit", None) is not None and args.limit < 1:
            raise OperationError("--limit must be at least 1")
        if getattr(args, "rate", 1) <= 0:
            raise OperationError("--rate must be above 0")
        settings, clients = _settings(args, stdin, stderr)
        if args.command == "redrive":
            from .redrive import run_redrive  # noqa: PLC0415
            problem = settings_problem(settings, ("queue_url", "input_format"))
            if problem:
                raise OperationError(problem)
            summary = run_redrive(sqs=clients("sqs"), sfn=clients("stepfunctions"), queue_url=settings["queue_url"],
                                  input_format=settings["input_format"],
                                  state_machine_arn=args.state_machine_arn,
                                  default_state_machine_arn=settings.get("state_machine_arn"), delivery=settings.get("delivery"), limit=args.limit,
                                  dry_run=args.dry_run, rate=args.rate, visibility_timeout=args.visibility_timeout,
                                  out=stdout)
        elif args.command == "verify":
            from .verify import run_verify  # noqa: PLC0415
            problem = settings_problem(settings, ("bucket", "state_machine_arn", "delivery"))
            if problem:
                raise OperationError(problem)
            summary = run_verify(clients=clients, bucket=settings["bucket"],
                                 state_machine_arn=settings["state_machine_arn"], delivery=settings["delivery"],
                                 prefix=args.prefix, key_prefix=settings.get("key_prefix") or "",
                                 key_suffix=settings.get("key_suffix") or "", rule_name=settings.get("rule_name"),
                                 queue_url=settings.get("queue_url"), trail_name=settings.get("trail_name"),
                                 multipart=args.multipart, timeout=args.timeout, poll=args.poll,
                                 region=region_of(settings["state_machine_arn"]) or "", out=stdout)
            _write_summary(args.summary, summary_json(summary))
            return 0 if summary.ok else 1
        else:
            from .backfill import default_cutoff, run_backfill  # noqa: PLC0415
            problem = settings_problem(settings, ("bucket", "state_machine_arn", "input_format", "delivery"))
            if problem:
                raise OperationError(problem)
            if args.all_objects:
                cutoff = None
            elif args.before:
                cutoff = _time(args.before)
            else:
                cutoff = default_cutoff()
            summary = run_backfill(s3=clients("s3"), sfn=clients("stepfunctions"), bucket=settings["bucket"],
                                   state_machine_arn=settings["state_machine_arn"],
                                   input_format=settings["input_format"], delivery=settings["delivery"],
                                   key_prefix=settings.get("key_prefix") or "",
                                   key_suffix=settings.get("key_suffix") or "", cutoff=cutoff,
                                   start_after=args.start_after, limit=args.limit, dry_run=args.dry_run,
                                   rate=args.rate, key_encoding=args.key_encoding, out=stdout)
        _write_summary(args.summary, summary_json(summary))
        return 1 if summary.failed else 0
    except OperationError as error:
        print(f"{PROG} {args.command}: error: {error}", file=stderr, flush=True)
        return 2
    except ValueError as error:  # a bad --before, a pattern this tool cannot read
        print(f"{PROG} {args.command}: error: {error}", file=stderr, flush=True)
        return 2
