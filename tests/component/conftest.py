"""Run the component in-process under Pulumi's own mocks (`pulumi.runtime.set_mocks`) and record what it registers.

Assertions are made on the recorded registrations after the program has finished, never inside an `apply`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import pulumi
import pytest

ACCOUNT = "123456789012"
REGION = "us-east-2"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Helloworld"


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict

    def json(self, key: str) -> Any:
        return json.loads(self.inputs[key])


@dataclass
class Run:
    resources: list[Registered] = field(default_factory=list)
    outputs: dict = field(default_factory=dict)

    def of_type(self, suffix: str) -> list[Registered]:
        return [r for r in self.resources if r.type.endswith(suffix)]

    def one(self, suffix: str) -> Registered:
        found = self.of_type(suffix)
        assert len(found) == 1, f"expected one {suffix}, got {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> Registered:
        return next(r for r in self.resources if r.name == name)


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self, run: Run, region: str):
        self.run, self.region = run, region

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.run.resources.append(Registered(args.typ, args.name, dict(args.inputs)))
        outputs = dict(args.inputs)
        region = outputs.get("region", self.region)
        name = f"{args.name}-0a1b2c3"
        if args.typ == "aws:s3/bucket:Bucket":
            outputs.setdefault("bucket", name)
            outputs["arn"] = f"arn:aws:s3:::{outputs['bucket']}"
            return outputs["bucket"], outputs
        if args.typ == "aws:iam/role:Role":
            outputs.setdefault("name", name)
            outputs["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{outputs['name']}"
            return outputs["name"], outputs
        if args.typ == "aws:sqs/queue:Queue":
            outputs.setdefault("name", name)
            outputs["arn"] = f"arn:aws:sqs:{region}:{ACCOUNT}:{outputs['name']}"
            outputs["url"] = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{outputs['name']}"
            return outputs["url"], outputs
        if args.typ == "aws:cloudwatch/eventRule:EventRule":
            outputs.setdefault("name", name)
            outputs["arn"] = f"arn:aws:events:{region}:{ACCOUNT}:rule/{outputs['name']}"
            return outputs["name"], outputs
        if args.typ == "aws:cloudtrail/trail:Trail":
            outputs["arn"] = f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{outputs['name']}"
            return outputs["name"], outputs
        if args.typ == "aws:sfn/stateMachine:StateMachine":
            outputs.setdefault("name", name)
            outputs["arn"] = f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{outputs['name']}"
            return outputs["arn"], outputs
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "userId": "AIDEXAMPLE",
                "partition": "aws", "dnsSuffix": "amazonaws.com", "region": self.region, "name": self.region}


OUTPUT_NAMES = ("bucket_name", "bucket_arn", "rule_name", "rule_arn", "role_arn", "event_pattern", "trail_name",
                "trail_arn", "log_bucket_name", "dead_letter_queue_arn")


def run_program(build: Callable[[], Any], *, region: str = REGION, stack: str = "dev",
                preview: bool = False, run: Run | None = None) -> Run:
    """Run `build()` as a Pulumi program under mocks; return what it registered and the component's outputs.

    Pass `run` to keep the record even when the program raises."""
    run = Run() if run is None else run
    pulumi.runtime.set_mocks(RecordingMocks(run, region), project="s3-triggered-state-machine", stack=stack,
                             preview=preview)

    @pulumi.runtime.test
    def program():
        component = build()
        if component is None:
            return None
        return pulumi.Output.all(*[getattr(component, n) for n in OUTPUT_NAMES]).apply(
            lambda values: run.outputs.update(zip(OUTPUT_NAMES, values)))

    program()
    return run


@pytest.fixture
def deploy():
    """`deploy(args, name="uploads", region=..., opts=None)` runs the component with these args."""
    from components import S3TriggeredStateMachine

    def _deploy(args: dict, name: str = "uploads", region: str = REGION, opts=None, **kwargs) -> Run:
        full = {"state_machine_arn": STATE_MACHINE_ARN, **args}
        run = run_program(lambda: S3TriggeredStateMachine(name, full, opts), region=region, **kwargs)
        if not kwargs.get("preview"):
            assert set(run.outputs) == set(OUTPUT_NAMES), "the component's outputs never resolved"
        return run

    return _deploy
