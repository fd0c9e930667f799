"""``python -m harness demo``: the tutorial, end to end, on LocalStack (``bash scripts/demo`` sets up and runs it).

1. Starts LocalStack 4.8.1 (no Docker) on a free 127.0.0.1 port, unless ``--endpoint`` names a running one.
2. Prints the offline policy gate's verdict on the tutorial stack (``python -m harness preview --policy-pack
   policies``); a mandatory violation stops the demo before anything is deployed, as ``pulumi up`` would stop.
3. Deploys the tutorial stack (``__main__.py``: Helloworld, bucket, rule, role, DLQ, target; the trail in CloudTrail
   mode) with ``harness.deploy``, one line per resource.
4. The tutorial's Step 4: uploads ``test.png``, waits for the Helloworld execution, prints its input (the tutorial's
   "Example of Execution Input").
   In CloudTrail mode LocalStack has no CloudTrail, so the demo injects the event CloudTrail would deliver for that
   upload with PutEvents, and says so: an EMULATOR-ONLY technique (real AWS refuses ``aws.*`` sources there).
5. Cleans up (removes test.png, destroys the stack) unless ``--keep``, and stops the LocalStack it started. With
   ``--keep`` the stack and its LocalStack stay up, and the commands to destroy and stop them are printed.
"""
from __future__ import annotations

import argparse
import base64
import copy
import datetime as _dt
import json
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

from .localstack import LocalStack, LocalStackError

REPO = Path(__file__).resolve().parent.parent
POLICY_PACK = REPO / "policies"
TUTORIAL_EVENT = REPO / "tests" / "data" / "tutorial_event.json"  # the tutorial's "Example of Execution Input"
DEMO_STACK = "demo"
# A 1x1 transparent PNG: the tutorial uploads "test.png".
TEST_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


class Demo:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.t0 = time.monotonic()
        self.localstack: Optional[LocalStack] = None
        self.endpoint: Optional[str] = args.endpoint
        self.state_path = REPO / ".harness" / "state" / f"{args.stack}.json"
        self.owns_state = False

    # ------------------------------------------------------------------ output
    def say(self, text: str = "") -> None:
        try:
            print(text, flush=True)
        except BrokenPipeError:  # e.g. `... | head`: keep going, so that clean-up and the emulator's stop still run
            pass

    def step(self, title: str) -> None:
        self.say(f"\n== [{time.monotonic() - self.t0:5.1f}s] {title}")

    # ------------------------------------------------------------------ steps
    def start_emulator(self) -> None:
        if self.endpoint:
            self.step(f"Using the LocalStack at {self.endpoint}")
            return
        self.step("Starting LocalStack 4.8.1 (no Docker; S3, EventBridge, Step Functions, IAM, STS, SQS)")
        self.localstack = LocalStack(keep_root=self.args.keep)
        self.localstack.start()
        self.endpoint = self.localstack.endpoint
        self.say(f"LocalStack ready at {self.endpoint} in {self.localstack.startup_seconds:.1f}s "
                 f"(pid {self.localstack.pid})")

    def stop_emulator(self) -> None:
        if self.localstack is None:
            return
        if self.args.keep:
            self.say(f"\nLeft running (--keep): LocalStack pid {self.localstack.pid} at {self.endpoint}, "
                     f"log {self.localstack.log_path}")
            self.say(f"  stop it:  kill {self.localstack.pid}   (the emulator keeps everything in a temporary "
                     "directory, so this discards the stack too; the next demo forgets the stale state file)")
            self.say(f"  or destroy the stack first: .venv/bin/python -m harness destroy . --stack {self.args.stack} "
                     f"--endpoint {self.endpoint}\n    (it refuses the upload bucket while it holds test.png: "
                     "forceDestroy is false by default, as for a real stack)")
            return
        self.localstack.stop()
        self.step("Stopped LocalStack")

    def gate(self) -> bool:
        self.step("Policy gate: offline `pulumi preview --policy-pack policies` on the tutorial stack")
        try:
            from .gate import EXIT_ERROR, render_policies, run_gate
        except ImportError as e:  # the gate is another module of this harness; say so if it is missing
            self.say(f"(policy gate not available: {e})")
            return True
        try:
            result = run_gate(REPO, policy_packs=[str(POLICY_PACK)], stack=self.args.stack, config=self.config())
        except Exception as e:  # noqa: BLE001 a broken gate must not hide the rest of the demo; say it loudly
            self.say(f"POLICY GATE FAILED TO RUN: {type(e).__name__}: {e}\n(continuing without a verdict; "
                     "`python -m harness preview . --policy-pack policies` shows the full error)")
            return True
        if result.exit_code == EXIT_ERROR:
            self.say(f"the gate could not reach a verdict: {result.error}")
            return False
        render_policies(result.analyses, result.run, sys.stdout)
        mandatory = len(result.mandatory)
        self.say(f"Verdict: {'FAIL' if mandatory else 'PASS'} ({len(result.run.resources)} resources checked in "
                 f"{result.seconds_total:.1f}s)")
        if mandatory:
            self.say("A mandatory policy is violated: not deploying (as `pulumi up` with the pack would refuse).")
        return not mandatory

    def config(self) -> dict[str, str]:
        return {"delivery": self.args.delivery}

    def deploy(self):
        from .deploy import StackExists, deploy, describe_failure, format_outputs, quiet_abandoned_futures, summary
        from .emulator import EmulatorError
        from .runner import RunnerError

        quiet_abandoned_futures()
        self.step(f"Deploying the tutorial stack ({self.args.delivery} mode) to the emulator: Steps 1-3")
        self.owns_state = True  # from here on, whatever is recorded was created by this run
        try:
            run, backend = deploy(REPO, self.endpoint, stack=self.args.stack, config=self.config(),
                                  state_path=self.state_path)
        except StackExists as e:
            self.say(f"error: {e}")
            raise SystemExit(1)
        except (RunnerError, EmulatorError) as e:
            self.say(f"error: the deployment failed: {describe_failure(e)}")
            raise SystemExit(1)
        self.say("")
        self.say(format_outputs(run.outputs))
        self.say("")
        self.say(summary(backend))
        return run, backend

    def preflight(self) -> bool:
        """Before starting anything: a stack still up from a `--keep` run must not be deployed over."""
        self._forget_stale_state()
        if self.state_path.exists():
            endpoint = json.loads(self.state_path.read_text()).get("endpoint")
            self.say(f"error: stack {self.args.stack!r} is still up on {endpoint} from an earlier `--keep` run "
                     f"({self.state_path}). Stop that LocalStack (or destroy the stack), or use --stack NAME.")
            return False
        return True

    def _forget_stale_state(self) -> None:
        """A state file left by a --keep run whose LocalStack is gone describes nothing: drop it."""
        if not self.state_path.exists():
            return
        recorded = json.loads(self.state_path.read_text())
        try:
            urllib.request.urlopen(f"{recorded['endpoint']}/_localstack/health", timeout=2).read()
        except (urllib.error.URLError, OSError, KeyError):
            self.say(f"(dropping {self.state_path}: its emulator {recorded.get('endpoint')} is gone)")
            self.state_path.unlink()

    def clients(self):
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
        cfg = Config(s3={"addressing_style": "path"})
        region = self.region

        def client(service):
            return session.client(service, region_name=region, endpoint_url=self.endpoint, config=cfg)
        return client

    def upload_and_wait(self, run, backend) -> bool:
        client = self.clients()
        s3, events, sfn = client("s3"), client("events"), client("stepfunctions")
        bucket, machine = run.outputs["bucketName"], run.outputs["stateMachineArn"]
        key = "test.png"
        before = {e["executionArn"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]}
        self.step(f"Step 4: upload {key} to s3://{bucket}")
        s3.put_object(Bucket=bucket, Key=key, Body=TEST_PNG, ContentType="image/png")
        self.say(f"uploaded {len(TEST_PNG)} bytes")
        if self.args.delivery == "cloudtrail":
            self.say("CloudTrail is not emulated by LocalStack, so no trail delivers this upload's data event.\n"
                     "EMULATOR-ONLY TECHNIQUE: injecting the event CloudTrail would deliver (the tutorial's example "
                     "event, with this bucket and key) with EventBridge PutEvents. Real AWS refuses `aws.*` sources "
                     "in PutEvents; there the trail delivers it.")
            event = self.cloudtrail_event(bucket, key)
            resp = events.put_events(Entries=[{"Source": event["source"], "DetailType": event["detail-type"],
                                               "Detail": json.dumps(event["detail"]), "EventBusName": "default"}])
            if resp["FailedEntryCount"]:
                self.say(f"PutEvents failed: {resp['Entries']}")
                return False
        self.step("Waiting for the Helloworld execution")
        execution = self.wait_for_execution(sfn, machine, before, bucket, key)
        if execution is None:
            self.say(f"No execution started within {self.args.timeout:.0f}s.")
            return False
        self.say(f"Execution {execution['name']}: {execution['status']}")
        self.say("Input (compare with the tutorial's \"Example of Execution Input\"):")
        self.say(json.dumps(json.loads(execution["input"]), indent=2))
        if self.args.delivery == "eventbridge":
            self.say("(EventBridge mode: S3 sends an \"Object Created\" event, no trail. The tutorial's input is the "
                     "CloudTrail-delivered \"AWS API Call via CloudTrail\" event: run with --delivery cloudtrail.)")
        return True

    @property
    def region(self) -> str:
        from .runner import load_stack_config

        _, config, _ = load_stack_config(REPO, self.args.stack, self.config())
        return config.get("aws:region", "us-east-2")

    def cloudtrail_event(self, bucket: str, key: str) -> dict:
        event = copy.deepcopy(json.loads(TUTORIAL_EVENT.read_text()))
        now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        detail = event["detail"]
        event["region"] = detail["awsRegion"] = self.region
        detail["eventTime"] = now
        detail["requestParameters"]["bucketName"] = bucket
        detail["requestParameters"]["key"] = key
        detail["resources"][0]["ARN"] = f"arn:aws:s3:::{bucket}/{key}"
        detail["resources"][1]["ARN"] = f"arn:aws:s3:::{bucket}"
        return event

    def wait_for_execution(self, sfn, machine: str, before: set, bucket: str, key: str) -> Optional[dict]:
        deadline = time.monotonic() + self.args.timeout
        while time.monotonic() < deadline:
            for e in sfn.list_executions(stateMachineArn=machine)["executions"]:
                if e["executionArn"] in before:
                    continue
                desc = sfn.describe_execution(executionArn=e["executionArn"])
                if bucket in desc["input"] and key in desc["input"]:
                    while desc["status"] == "RUNNING" and time.monotonic() < deadline:
                        time.sleep(0.2)
                        desc = sfn.describe_execution(executionArn=e["executionArn"])
                    return desc
            time.sleep(0.2)
        return None

    def clean_up(self, run) -> None:
        from .emulator import destroy

        if self.args.keep:
            self.step("Leaving the stack up (--keep)")
            return
        self.step("Cleaning up: removing test.png (every version), then destroying the stack")
        if run is not None:
            s3 = self.clients()("s3")
            bucket = run.outputs["bucketName"]
            versions = s3.list_object_versions(Bucket=bucket)
            for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
                s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        destroy(self.state_path, self.endpoint)

    # ------------------------------------------------------------------ main
    def run(self) -> int:
        ok = False
        deployed = None
        if not self.preflight():
            return 1
        # SIGTERM (and SIGHUP) unwind like Ctrl-C, so that the `finally` below destroys the stack and stops the
        # emulator, which runs in a session of its own and would otherwise outlive the demo.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _raise_system_exit)
        try:
            self.start_emulator()
            if not self.gate():
                return 1
            deployed, backend = self.deploy()
            ok = self.upload_and_wait(deployed, backend)
        except LocalStackError as e:
            self.say(f"error: {e}")
            return 1
        finally:
            try:
                if self.endpoint and self.owns_state and self.state_path.exists():
                    self.clean_up(deployed)
            finally:
                self.stop_emulator()
                self.say(f"\nDone in {time.monotonic() - self.t0:.1f}s: "
                         f"{'an upload started the state machine' if ok else 'FAILED'}.")
        return 0 if ok else 1


def _raise_system_exit(signum, _frame):
    raise SystemExit(128 + signum)


def cmd_demo(args: argparse.Namespace) -> int:
    return Demo(args).run()


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "demo", help="the tutorial end to end on LocalStack: gate, deploy, upload test.png, print the execution input",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--delivery", choices=("eventbridge", "cloudtrail"), default="eventbridge",
                   help="eventbridge (default: S3 EventBridge notifications, emulated end to end) or cloudtrail (the "
                        "tutorial's trail; the CloudTrail event is injected, an emulator-only technique)")
    p.add_argument("--keep", action="store_true", help="leave the stack, and the LocalStack it runs on, up")
    p.add_argument("--endpoint", metavar="URL", help="use this running LocalStack instead of starting one")
    p.add_argument("--stack", default=DEMO_STACK, help=f"stack name (default {DEMO_STACK})")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the execution (default 30)")
    p.set_defaults(func=cmd_demo)
