"""Run the component in-process under Pulumi's own mocks (`pulumi.runtime.set_mocks`) and record what it registers.

Assertions are made on the recorded registrations after the program has finished, never inside an `apply`.
"""

from __future__ import annotations

import asyncio

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import pulumi
import pytest

from standin_aws import rules
from standin_aws.offline import OfflineBackend
from standin_aws.rules import UNKNOWN

ACCOUNT = "123456789012"
REGION = "us-east-2"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Helloworld"


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict    # as the program passed them
    outputs: dict   # as the mock provider returned them (auto-names filled in)
    dependencies: frozenset = frozenset()  # names of the resources it depends on (depends_on and property inputs)
    parent: str | None = None              # name of its parent

    def json(self, key: str) -> Any:
        return json.loads(self.inputs[key])


@dataclass
class Run:
    resources: list[Registered] = field(default_factory=list)
    outputs: dict = field(default_factory=dict)
    invokes: list[str] = field(default_factory=list)

    def of_type(self, suffix: str) -> list[Registered]:
        return [r for r in self.resources if r.type.endswith(suffix)]

    def one(self, suffix: str) -> Registered:
        found = self.of_type(suffix)
        assert len(found) == 1, f"expected one {suffix}, got {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> Registered:
        return next(r for r in self.resources if r.name == name)


class RecordingMocks(pulumi.runtime.Mocks):
    """Records each registration; the stand-in aws provider's rules (standin_aws/rules.py, the one table of per-type
    AWS rules the real engine's tests use too) give the provider's Check (defaults, auto-names, refusals) and outputs.

    In preview, the backend leaves ids and computed outputs unknown; they are left out of the state here, which is
    how Pulumi's mocks mark an output unknown.
    """

    def __init__(self, run: Run, region: str, preview: bool):
        self.run, self.region, self.preview = run, region, preview
        self.backend = OfflineBackend()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        inputs = dict(args.inputs)
        urn = f"urn:pulumi:dev::test::{args.typ}::{args.name}"
        checked = rules.check(args.typ, args.name, urn, {}, inputs, b"", preview=self.preview)
        if checked.failures:  # as the provider refuses them: the component must never send these
            raise ValueError(f"{args.typ} {args.name!r}: " + "; ".join(reason for _, reason in checked.failures))
        region = inputs.get("region") or self.region
        resource_id, outputs = rules.outputs(args.typ, args.name, checked.inputs, region, ACCOUNT,
                                             preview=self.preview)
        outputs = {k: v for k, v in outputs.items() if v != UNKNOWN}
        self.run.resources.append(Registered(args.typ, args.name, inputs, outputs))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.run.invokes.append(args.token)
        return self.backend.invoke(args.token, dict(args.args), self.region)


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


class RecordingMonitor(pulumi.runtime.mocks.MockMonitor):
    """The mock monitor, also recording each registration's dependencies and parent (which mocks never see)."""

    def __init__(self, mocks: RecordingMocks):
        super().__init__(mocks)
        self.run = mocks.run

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        for registered in self.run.resources:
            if registered.name == request.name and registered.type == request.type:
                registered.dependencies = frozenset(_name_of(u) for u in request.dependencies)
                registered.parent = _name_of(request.parent) if request.parent else None
        return response


OUTPUT_NAMES = ("bucket_name", "bucket_arn", "rule_name", "rule_arn", "role_arn", "event_pattern", "trail_name",
                "trail_arn", "log_bucket_name", "dead_letter_queue_arn", "dead_letter_queue_url", "alarm_topic_arn",
                "alarm_names")


def run_program(build: Callable[[], Any], *, region: str = REGION, stack: str = "dev",
                preview: bool = False, run: Run | None = None) -> Run:
    """Run `build()` as a Pulumi program under mocks; return what it registered and the component's outputs.

    Pass `run` to keep the record even when the program raises."""
    run = Run() if run is None else run
    # Pulumi's mocks run on the thread's current event loop. A test that ran `asyncio.run()` earlier in this process
    # (any module, on any xdist worker) leaves the main thread with none, and the program would fail to start.
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())
    mocks = RecordingMocks(run, region, preview)
    pulumi.runtime.set_mocks(mocks, project="s3-triggered-state-machine", stack=stack, preview=preview,
                             monitor=RecordingMonitor(mocks))

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
    from s3_triggered_state_machine import S3TriggeredStateMachine

    def _deploy(args: dict, name: str = "uploads", region: str = REGION, opts=None, **kwargs) -> Run:
        full = {"state_machine_arn": STATE_MACHINE_ARN, **args}
        run = run_program(lambda: S3TriggeredStateMachine(name, full, opts), region=region, **kwargs)
        if not kwargs.get("preview"):
            assert set(run.outputs) == set(OUTPUT_NAMES), "the component's outputs never resolved"
        return run

    return _deploy
