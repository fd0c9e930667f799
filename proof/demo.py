"""``python -m proof demo``: the tutorial, end to end, on LocalStack (``bash scripts/demo`` sets up and runs it).

Everything is deployed by the REAL Pulumi CLI (``scripts/pulumi``, through ``proof.stack.ThrowawayStack``) with the
stand-in aws provider's LocalStack backend (``S3TSM_BACKEND=localstack``, standin_aws/localstack.py):

1. Starts LocalStack 4.8.1 (no Docker) on a free 127.0.0.1 port, unless ``--endpoint`` names a running one.
2. ``pulumi stack init`` + ``pulumi config set delivery ...`` + ``pulumi up --policy-pack policies`` on the tutorial
   stack (``__main__.py``: Helloworld, bucket, rule, role, DLQ, target; the trail in CloudTrail mode), printing the
   engine's own output as it runs (one line per resource step, the policy pack's verdict, the outputs). A mandatory
   policy violation makes ``pulumi up`` refuse, and the demo stops there.
   In CloudTrail mode the stand-in validates the trail and the engine prints its warning that it was NOT created
   (LocalStack does not emulate CloudTrail).
3. The tutorial's Step 4: uploads ``test.png``, waits for the Helloworld execution, prints its input (the tutorial's
   "Example of Execution Input").
   In CloudTrail mode LocalStack has no CloudTrail, so the demo injects the event CloudTrail would deliver for that
   upload with PutEvents, and says so: an EMULATOR-ONLY technique (real AWS refuses ``aws.*`` sources there).
4. Cleans up (removes test.png, ``pulumi destroy``, ``pulumi stack rm``) and stops the LocalStack it started, unless
   ``--keep``: then the stack and its LocalStack stay up, and the exact ``scripts/pulumi`` commands (with their
   environment) to destroy the stack, and the command to stop LocalStack, are printed.
"""
from __future__ import annotations

import argparse
import base64
import copy
import datetime as _dt
import json
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

from .emulator import LocalStack, LocalStackError
from .stack import PULUMI, POLICIES, Result, StackError, ThrowawayStack

REPO = Path(__file__).resolve().parent.parent
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
        self.stack: Optional[ThrowawayStack] = None
        self.deployed = False

    # ------------------------------------------------------------------ output
    def say(self, text: str = "") -> None:
        try:
            print(text, flush=True)
        except BrokenPipeError:  # e.g. `... | head`: keep going, so that clean-up and the emulator's stop still run
            pass

    def step(self, title: str) -> None:
        self.say(f"\n== [{time.monotonic() - self.t0:5.1f}s] {title}")

    # ------------------------------------------------------------------ the engine
    def pulumi(self, *args: str) -> Result:
        """`scripts/pulumi ARGS` for the demo stack (as ThrowawayStack.pulumi builds it), its output streamed."""
        st = self.stack
        full = [str(PULUMI), "-C", str(st.program), *args, "--stack", st.stack, "--config-file", str(st.config_file),
                "--non-interactive"]
        proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=st.env(),
                                stdin=subprocess.DEVNULL)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            self.say(line.rstrip("\n"))
        proc.wait()
        return Result(proc.returncode, "".join(lines), "")

    def shell_commands(self) -> list[str]:
        """The exact commands (with their environment) that reach this stack from a shell."""
        st = self.stack
        env = {"S3TSM_BACKEND": "localstack", "AWS_ENDPOINT_URL": self.endpoint, "S3TSM_STATE_DIR": str(st.state_dir),
               "PULUMI_CONFIG_PASSPHRASE": st.env().get("PULUMI_CONFIG_PASSPHRASE", "")}
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        tail = f"--stack {st.stack} --config-file {shlex.quote(str(st.config_file))} --non-interactive"
        pulumi = f"{prefix} bash {shlex.quote(str(PULUMI))} -C {shlex.quote(str(REPO))}"
        return [f"{pulumi} config set forceDestroy true {tail}",
                f"{pulumi} up --yes --skip-preview {tail}",
                f"{pulumi} destroy --yes --skip-preview {tail}",
                f"{pulumi} stack rm --yes --force --stack {st.stack} --non-interactive"]

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
            pid = self.localstack.pid
            self.say(f"  stop LocalStack (after the destroy): kill {pid}; sleep 3; kill -KILL -- -{pid} 2>/dev/null"
                     f"   (it does not always exit on SIGTERM; -{pid} is its own process group. Log "
                     f"{self.localstack.log_path}; it keeps everything in a temporary directory, so stopping it "
                     "discards the stack's resources too)")
            return
        self.localstack.stop()
        self.step("Stopped LocalStack")

    def deploy(self) -> bool:
        self.step(f"pulumi up --policy-pack policies: the tutorial stack ({self.args.delivery} mode), Steps 1-3 "
                  "(real Pulumi CLI, stand-in aws provider, LocalStack backend)")
        workdir = Path(tempfile.mkdtemp(prefix=f"s3tsm-{self.args.stack}-"))
        self.stack = ThrowawayStack(REPO, stack=self.args.stack, backend="localstack", endpoint=self.endpoint,
                                    config={"delivery": self.args.delivery}, workdir=workdir)
        self.stack.create()
        self.deployed = True  # from here on, whatever the engine recorded was created by this run
        up = self.pulumi("up", "--yes", "--skip-preview", "--policy-pack", str(POLICIES))
        if up.returncode != 0:
            self.say(f"error: `pulumi up` exited {up.returncode} (its output is above)")
            return False
        return True

    def clients(self):
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
        cfg = Config(s3={"addressing_style": "path"})

        def client(service):
            return session.client(service, region_name=self.region, endpoint_url=self.endpoint, config=cfg)
        return client

    def upload_and_wait(self) -> bool:
        outputs = self.stack.outputs()
        bucket_resource = self.stack.resource("aws:s3/bucket:Bucket", "tutorial-bucket")
        self.region = bucket_resource["outputs"]["region"]
        client = self.clients()
        s3, events, sfn = client("s3"), client("events"), client("stepfunctions")
        bucket, machine = outputs["bucketName"], outputs["stateMachineArn"]
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
        self.step(f"Waiting for the execution of {machine.rsplit(':', 1)[-1]}")
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

    region = "us-east-2"

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

    def clean_up(self) -> bool:
        if self.args.keep:
            self.step("Leaving the stack up (--keep). To destroy it (the bucket holds test.png and forceDestroy is "
                      "false, as for a real stack, so set it first):")
            for command in self.shell_commands():
                self.say(f"  {command}")
            return True
        self.step("Cleaning up: removing test.png (every version), then `pulumi destroy`")
        try:
            resources = self.stack.resources()
        except StackError:
            resources = []
        buckets = [r["id"] for r in resources if r["type"] == "aws:s3/bucket:Bucket" and r.get("id")]
        if buckets:
            s3 = self.clients()("s3")
            for bucket in buckets:
                versions = s3.list_object_versions(Bucket=bucket)
                for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
                    s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        down = self.pulumi("destroy", "--yes", "--skip-preview")
        if down.returncode != 0:
            self.say(f"error: `pulumi destroy` exited {down.returncode}; the stack's state is kept in "
                     f"{self.stack.workdir}. To retry:")
            for command in self.shell_commands()[2:]:
                self.say(f"  {command}")
            return False
        self.stack.remove()
        shutil.rmtree(self.stack.workdir, ignore_errors=True)
        self.say(f"Removed the stack (`pulumi stack rm {self.stack.stack}`) and its state directory.")
        return True

    # ------------------------------------------------------------------ main
    def run(self) -> int:
        ok = False
        # SIGTERM (and SIGHUP) unwind like Ctrl-C, so that the `finally` below destroys the stack and stops the
        # emulator, which runs in a session of its own and would otherwise outlive the demo.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _raise_system_exit)
        try:
            self.start_emulator()
            if self.deploy():
                ok = self.upload_and_wait()
        except (LocalStackError, StackError) as e:
            self.say(f"error: {e}")
        finally:
            try:
                if self.deployed and self.stack is not None:
                    if not self.clean_up():
                        ok = False
                        if self.localstack is not None and not self.args.keep:
                            self.say("(stopping LocalStack anyway: it holds the stack's resources, which go with it)")
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
        "demo", help="the tutorial end to end on LocalStack: pulumi up (with the policy pack), upload test.png, print the "
             "execution input, pulumi destroy",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--delivery", choices=("eventbridge", "cloudtrail"), default="eventbridge",
                   help="eventbridge (default: S3 EventBridge notifications, emulated end to end) or cloudtrail (the "
                        "tutorial's trail; the CloudTrail event is injected, an emulator-only technique)")
    p.add_argument("--keep", action="store_true",
                   help="leave the stack, and the LocalStack it runs on, up (prints the commands to destroy and stop)")
    p.add_argument("--endpoint", metavar="URL", help="use this running LocalStack instead of starting one")
    p.add_argument("--stack", default=DEMO_STACK, help=f"stack name (default {DEMO_STACK})")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the execution (default 30)")
    p.set_defaults(func=cmd_demo)
