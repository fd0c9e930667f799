"""Helpers for the end-to-end tests: deploy the tutorial stack to LocalStack with the real Pulumi CLI (scripts/pulumi,
the stand-in aws provider's LocalStack backend, proof.stack.ThrowawayStack), upload, inject, wait for executions.

Executions are found by their input (bucket and key), never by counting all executions of the state machine: the
tutorial names it `Helloworld`, and LocalStack keeps the executions of an earlier `Helloworld` with the same ARN.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from proof.stack import POLICIES, Result, ThrowawayStack  # noqa: F401  (POLICIES: re-exported for the modules)

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-2"
#: How long a positive wait may take (LocalStack delivers in about 0.3 s).
DELIVERY_TIMEOUT = 15.0
#: After the events that should start something have, how long to keep watching for ones that should not.
QUIET_PERIOD = 2.0
#: The warning the stand-in provider's LocalStack backend gives the engine for a trail it validated but did not create.
TRAIL_NOT_EMULATED = "CloudTrail is not emulated by LocalStack"


@dataclass
class Deployed:
    """The tutorial stack, deployed by the real Pulumi CLI (scripts/pulumi) with the stand-in aws provider's LocalStack
    backend. `outputs` are the engine's stack outputs; `resource()` reads the engine's state (`pulumi stack export`)."""

    stack: ThrowawayStack
    up: Result
    outputs: dict
    region: str
    _resources: Optional[list] = None

    @property
    def bucket(self) -> str:
        return self.outputs["bucketName"]

    @property
    def state_machine_arn(self) -> str:
        return self.outputs["stateMachineArn"]

    @property
    def rule_name(self) -> str:
        return self.outputs["ruleName"]

    def resources(self, fresh: bool = False) -> list[dict]:
        if fresh or self._resources is None:
            self._resources = self.stack.resources()
        return self._resources

    def resource(self, type_: str, name: str) -> dict:
        """One resource of the stack, as the engine recorded it (type, urn, id, inputs, outputs)."""
        found = [r for r in self.resources() if r["type"] == type_ and r["urn"].endswith(f"::{name}")]
        assert len(found) == 1, f"no single {type_} named {name!r} in the stack"
        return found[0]

    def custom_resources(self, fresh: bool = True) -> list[dict]:
        """The stack's AWS resources (no stack, provider or component)."""
        return [r for r in self.resources(fresh) if r["type"].startswith("aws:")]


def deploy_tutorial(endpoint: str, stack: str, *, policy_packs=(), **config: str) -> Deployed:
    """`pulumi stack init` + `config set` + `pulumi up` of the repository's tutorial stack (__main__.py), through the
    real CLI, against the LocalStack at `endpoint`. A throwaway stack: its state and config live in a temp dir."""
    st = ThrowawayStack(REPO, stack=stack, backend="localstack", endpoint=endpoint, config=config)
    st.create()
    try:
        up = st.up(policy_packs=policy_packs)
        outputs = st.outputs()
    except BaseException:
        st.destroy(check=False)
        st.remove()
        raise
    return Deployed(stack=st, up=up, outputs=outputs, region=config.get("aws:region", REGION))


def teardown(deployed: Deployed) -> None:
    """`pulumi destroy` (which must succeed: the e2e stacks set forceDestroy, or empty their bucket), then forget."""
    try:
        deployed.stack.destroy()
    finally:
        deployed.stack.remove()


def unique_key(name: str = "test.png", prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}-{name}"


class Executions:
    """The executions of one state machine, with their parsed inputs (each described once)."""

    def __init__(self, sfn, state_machine_arn: str):
        self.sfn, self.arn = sfn, state_machine_arn
        self._inputs: dict[str, dict] = {}

    def all(self) -> dict[str, dict]:
        for page in self.sfn.get_paginator("list_executions").paginate(stateMachineArn=self.arn):
            for e in page["executions"]:
                if e["executionArn"] not in self._inputs:
                    desc = self.sfn.describe_execution(executionArn=e["executionArn"])
                    self._inputs[e["executionArn"]] = json.loads(desc["input"])
        return self._inputs

    def matching(self, predicate: Callable[[dict], bool]) -> list[dict]:
        return [i for i in self.all().values() if predicate(i)]

    def wait(self, predicate: Callable[[dict], bool], count: int = 1, timeout: float = DELIVERY_TIMEOUT) -> list[dict]:
        """Poll until `count` executions match, then watch QUIET_PERIOD more for extra ones; return all matches."""
        deadline = time.monotonic() + timeout
        found = self.matching(predicate)
        while len(found) < count and time.monotonic() < deadline:
            time.sleep(0.2)
            found = self.matching(predicate)
        if len(found) >= count:
            time.sleep(QUIET_PERIOD)
            found = self.matching(predicate)
        return found


    def wait_all(self, predicates: dict[str, Callable[[dict], bool]], expect_some: set[str],
                 timeout: float = DELIVERY_TIMEOUT) -> dict[str, list[dict]]:
        """For a batch of actions: poll until every predicate in `expect_some` matches at least once, then watch
        QUIET_PERIOD more (for duplicates and for executions that should not start); return the matches of each.
        One quiet period for the whole batch keeps the suite fast."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inputs = list(self.all().values())
            if all(any(predicates[name](i) for i in inputs) for name in expect_some):
                break
            time.sleep(0.2)
        time.sleep(QUIET_PERIOD)
        inputs = list(self.all().values())
        return {name: [i for i in inputs if p(i)] for name, p in predicates.items()}


def eventbridge_input_for(bucket: str, key: str) -> Callable[[dict], bool]:
    """The execution input is the S3 "Object Created" event for this bucket and key."""
    return lambda i: (i.get("detail-type") == "Object Created" and i["detail"]["bucket"]["name"] == bucket
                      and i["detail"]["object"]["key"] == key)


def cloudtrail_input_for(bucket: str, key: str, event_name: str | None = None) -> Callable[[dict], bool]:
    def match(i: dict) -> bool:
        if i.get("detail-type") != "AWS API Call via CloudTrail":
            return False
        rp = i["detail"].get("requestParameters") or {}
        return (rp.get("bucketName") == bucket and rp.get("key") == key
                and (event_name is None or i["detail"].get("eventName") == event_name))
    return match


def object_input_for(bucket: str, key: str) -> Callable[[dict], bool]:
    return lambda i: i.get("bucket") == bucket and i.get("key") == key


def multipart_upload(s3, bucket: str, key: str, part_sizes=(5 * 1024 * 1024, 1024)) -> None:
    """A real multipart upload (S3's minimum part size is 5 MiB, except for the last part)."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)
    parts = []
    for n, size in enumerate(part_sizes, start=1):
        resp = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=n,
                              Body=bytes([n % 256]) * size)
        parts.append({"PartNumber": n, "ETag": resp["ETag"]})
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": parts})


def put_cloudtrail_event(events, event: dict) -> None:
    """EMULATOR-ONLY TECHNIQUE: publish a CloudTrail-shaped `aws.s3` event with PutEvents. Real AWS refuses
    `aws.*` sources in PutEvents; LocalStack routes it like an event CloudTrail delivered."""
    resp = events.put_events(Entries=[{
        "Source": event["source"], "DetailType": event["detail-type"], "Detail": json.dumps(event["detail"]),
        "Resources": event.get("resources", []), "EventBusName": "default",
    }])
    assert resp["FailedEntryCount"] == 0, resp


# ---------------------------------------------------------------------------------------------- pattern matrix
def matrix_events(bucket: str) -> list[tuple[str, dict, bool, bool]]:
    """(id, event, matches the EventBridge-mode rule, matches the CloudTrail-mode rule) for the deployed bucket.

    The same events go to both modes' deployed patterns. Expectations are written out here, not derived from a
    matcher, so that both LocalStack and moto's matcher are checked against them."""
    from tests.s3_events import CREATING, NOT_CREATING, cloudtrail_event, object_created_event, object_deleted_event

    other = f"{bucket}-2"  # the tutorial's example event names username-sfn-tutorial-2: a longer, different bucket
    rows: list[tuple[str, dict, bool, bool]] = []
    for reason in ("PutObject", "CompleteMultipartUpload", "CopyObject", "POST Object"):
        rows.append((f"eb-created-{reason}", object_created_event(bucket, "test.png", reason), True, False))
    rows.append(("eb-created-other-bucket", object_created_event(other, "test.png"), False, False))
    rows.append(("eb-created-bucket-prefix", object_created_event(bucket[:-1], "test.png"), False, False))
    rows.append(("eb-deleted", object_deleted_event(bucket, "test.png"), False, False))
    for name in CREATING:
        rows.append((f"ct-{name}", cloudtrail_event(bucket, "test.png", name), False, True))
    rows.append(("ct-PostObject", cloudtrail_event(bucket, "test.png", "PostObject"), False, True))
    for name in NOT_CREATING:
        rows.append((f"ct-{name}", cloudtrail_event(bucket, "test.png", name), False, False))
    rows.append(("ct-other-bucket", cloudtrail_event(other, "test.png"), False, False))
    wrong_case = cloudtrail_event(bucket, "test.png")
    wrong_case["detail-type"] = "AWS API Call Via CloudTrail"
    rows.append(("ct-detail-type-wrong-case", wrong_case, False, False))
    return rows


MATRIX_IDS = [row[0] for row in matrix_events("username-sfn-tutorial")]


def matrix_row(bucket: str, row_id: str) -> tuple[dict, bool, bool]:
    for rid, event, eb, ct in matrix_events(bucket):
        if rid == row_id:
            return event, eb, ct
    raise KeyError(row_id)
