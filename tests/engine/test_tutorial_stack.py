"""The tutorial stack (`__main__.py`) in its default configuration and with each config key.

Substitute used: the REAL Pulumi CLI and engine (scripts/pulumi, config layered from Pulumi.yaml by the engine
itself) against the STAND-IN aws provider, offline backend: `pulumi up` on a throwaway stack, then the engine's
state (`pulumi stack export`) is what the assertions read. `preview=True` reads the engine's planned inputs
(`pulumi preview --json`), where computed outputs are not known yet.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from proof.stack import ThrowawayStack, provider_region

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict
    outputs: dict
    custom: bool
    provider_region: str


@dataclass
class EngineRun:
    resources: list
    outputs: dict
    config: dict


class ProgramError(Exception):
    """The engine refused the program (its output is the message)."""


def run_program(root: Path, *, preview: bool = False, stack: str = "dev", config: dict | None = None) -> EngineRun:
    with ThrowawayStack(root, stack=stack, config=config) as st:
        if preview:
            result = st.pulumi("preview", "--json", check=False)
            if result.returncode != 0:
                raise ProgramError(result.output)
            steps = json.loads(result.stdout)["steps"]
            states = [s["newState"] for s in steps if s.get("newState")]
            outputs: dict = {}
        else:
            result = st.up(check=False)
            if result.returncode != 0:
                raise ProgramError(result.output)
            states, outputs = st.resources(), st.outputs()
        stack_config = yaml.safe_load(st.config_file.read_text()).get("config") or {}
    resources = [Registered(s["type"], s["urn"].split("::")[-1], s.get("inputs") or {}, s.get("outputs") or {},
                            bool(s.get("custom")), provider_region(s, states)) for s in states]
    project = yaml.safe_load((root / "Pulumi.yaml").read_text())
    config_view = {"aws:region": stack_config.get("aws:region") or project["config"]["aws:region"]["value"]}
    return EngineRun(resources, outputs, config_view)


def by_type(run, suffix):
    return [r for r in run.resources if r.type.endswith(suffix)]


@pytest.fixture(scope="module")
def default_run():
    return run_program(ROOT, preview=False)


TUTORIAL_NAMES = {"trailName": "S3Event", "ruleName": "S3StepFunctions", "stateMachineName": "Helloworld"}


def test_defaults_deploy_the_tutorial(default_run):
    run = default_run
    assert run.config["aws:region"] == "us-east-2"
    machine, = by_type(run, "sfn/stateMachine:StateMachine")
    assert machine.name == "Helloworld" and machine.inputs["name"].startswith("Helloworld-")  # auto-named
    assert json.loads(machine.inputs["definition"])["States"]["Hello"]["Type"] == "Pass"
    trail, = by_type(run, "cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "tutorial-dev-trail"
    rule, = by_type(run, "eventRule:EventRule")
    assert rule.inputs["name"] == "tutorial-dev-rule"
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    assert "CompleteMultipartUpload" in pattern["detail"]["eventName"]
    assert all(r.provider_region == "us-east-2" for r in run.resources if r.custom and r.type.startswith("aws:")
               and not r.type.startswith("aws:iam"))
    assert run.outputs["stateMachineArn"] == machine.outputs["arn"]
    assert run.outputs["ruleName"] == "tutorial-dev-rule" and run.outputs["trailName"] == "tutorial-dev-trail"
    assert run.outputs["bucketName"] == pattern["detail"]["requestParameters"]["bucketName"][0]


def test_the_tutorials_names_are_three_config_keys():
    run = run_program(ROOT, preview=False, config=TUTORIAL_NAMES)
    machine, = by_type(run, "sfn/stateMachine:StateMachine")
    assert machine.inputs["name"] == "Helloworld"
    assert by_type(run, "cloudtrail/trail:Trail")[0].inputs["name"] == "S3Event"
    assert by_type(run, "eventRule:EventRule")[0].inputs["name"] == "S3StepFunctions"
    assert run.outputs["stateMachineArn"] == "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
    assert run.outputs["ruleName"] == "S3StepFunctions" and run.outputs["trailName"] == "S3Event"


NAME_FIELDS = {"aws:s3/bucket:Bucket": "bucket", "aws:cloudtrail/trail:Trail": "name",
               "aws:cloudwatch/eventRule:EventRule": "name", "aws:iam/role:Role": "name",
               "aws:sqs/queue:Queue": "name", "aws:sfn/stateMachine:StateMachine": "name"}


def aws_names(run):
    """The account- and region-wide names a stack takes (a role policy's and a target's are scoped to their role and
    rule)."""
    return {(r.type, r.inputs[NAME_FIELDS[r.type]]) for r in run.resources if r.type in NAME_FIELDS}


@pytest.mark.parametrize("delivery", ["cloudtrail", "eventbridge"])
def test_two_stacks_deploy_side_by_side(delivery):
    dev = run_program(ROOT, stack="dev", preview=False, config={"delivery": delivery})
    prod = run_program(ROOT, stack="prod", preview=False, config={"delivery": delivery})
    assert len(aws_names(dev)) >= 5
    assert not aws_names(dev) & aws_names(prod), "two stacks in one account and region must not share a name"
    tutorial = set(TUTORIAL_NAMES.values())
    assert not {name for _type, name in aws_names(dev)} & tutorial, "nor collide with a console run of the tutorial"


def test_an_invalid_state_machine_name_is_refused_before_anything_registers():
    with pytest.raises(ProgramError, match=r"(?s)config `stateMachineName` = 'Hello world' is invalid: "
                       r".*Step Functions state machine names may contain only letters, digits"):
        run_program(ROOT, preview=False, config={"stateMachineName": "Hello world"})


def test_target_role_starts_only_helloworld(default_run):
    # The trigger's role policy (Helloworld's own role has one for its execution logs and X-Ray traces).
    policy, = [r for r in by_type(default_run, "iam/rolePolicy:RolePolicy") if r.name == "tutorial-role-start-execution"]
    machine, = by_type(default_run, "sfn/stateMachine:StateMachine")
    assert json.loads(policy.inputs["policy"])["Statement"] == [{
        "Effect": "Allow", "Action": "states:StartExecution", "Resource": machine.outputs["arn"]}]


def test_config_keys_reach_the_component():
    run = run_program(ROOT, preview=False, config={
        "bucketName": "username-sfn-tutorial", "delivery": "eventbridge", "keyPrefix": "uploads/",
        "keySuffix": ".png", "inputFormat": "object", "forceDestroy": "true",
        "stateMachineArn": "arn:aws:states:us-east-2:123456789012:stateMachine:Mine"})
    assert not by_type(run, "sfn/stateMachine:StateMachine") and not by_type(run, "trail:Trail")
    bucket, = by_type(run, "s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == "username-sfn-tutorial" and bucket.inputs["forceDestroy"] is True
    assert by_type(run, "BucketNotification")[0].inputs["eventbridge"] is True
    rule, = by_type(run, "eventRule:EventRule")
    assert json.loads(rule.inputs["eventPattern"])["detail"]["object"] == {"key": [{"wildcard": "uploads/*.png"}]}
    target, = by_type(run, "eventTarget:EventTarget")
    assert target.inputs["arn"] == "arn:aws:states:us-east-2:123456789012:stateMachine:Mine"
    assert "inputTransformer" in target.inputs
    assert run.outputs.get("trailName") is None  # no trail in EventBridge mode


def test_preview_keeps_arns_unknown_but_the_pattern_known():
    run = run_program(ROOT, preview=True, config={"delivery": "eventbridge"})
    rule, = by_type(run, "eventRule:EventRule")
    bucket, = by_type(run, "s3/bucket:Bucket")
    assert "arn" not in bucket.outputs                                  # computed: not known in a preview
    assert json.loads(rule.inputs["eventPattern"])["detail"]["bucket"]["name"] == [bucket.inputs["bucket"]]


# -- Pulumi.yaml: nothing required by accident, types as __main__.py reads them, the README's table complete --------

PROJECT = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
MAIN = (ROOT / "__main__.py").read_text()


def project_keys():
    return {k: v for k, v in PROJECT["config"].items() if ":" not in k}


def test_no_project_key_is_required_by_accident():
    """The engine refuses to run a stack that does not set a project key declared with neither `default` nor `value`
    (sdk/go/common/workspace/config.go, mergeConfig): `pulumi stack init dev && pulumi up` must work as is."""
    required = [k for k, spec in project_keys().items()
                if not isinstance(spec, dict) or ("default" not in spec and "value" not in spec)]
    assert required == []


def test_declared_types_match_what_the_program_reads():
    read = {}
    for getter, key in re.findall(r"config\.(get|get_bool|get_int|get_float|get_object)\(\"(\w+)\"\)", MAIN):
        read[key] = getter
    for key in re.findall(r"optional\(\"(\w+)\"\)", MAIN):
        read[key] = "get"
    types = {"get": "string", "get_bool": "boolean", "get_int": "integer", "get_float": "integer",
             "get_object": "object"}
    assert set(read) == set(project_keys()), "every declared key is read, every key read is declared"
    for key, getter in read.items():
        spec = project_keys()[key]
        assert spec["type"] == types[getter], key
        default = spec["default"]
        expected = {"boolean": bool, "integer": int}.get(spec["type"], str)
        assert isinstance(default, expected) and not (expected is int and isinstance(default, bool)), key


def test_every_config_key_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## The tutorial stack"):readme.index("### Deploying to AWS")]
    for key in [*project_keys(), "aws:region"]:
        assert f"`{key}`" in section, key


def test_unset_defaults_behave_as_unset():
    """Passing each "" default explicitly is the same run as the defaults (what the engine hands the program)."""
    empty = {k: "" for k, spec in project_keys().items() if spec.get("default") == ""}
    assert {"bucketName", "stateMachineArn", "trailName", "ruleName", "stateMachineName"} <= set(empty)

    def registered(run):
        # Auto-names end in 7 random characters drawn per deployment (the engine's seed): compare without them.
        return sorted((r.type, r.name, re.sub(r"-[0-9a-f]{7}\b", "-*", json.dumps(r.inputs, sort_keys=True)))
                      for r in run.resources)

    assert registered(run_program(ROOT, preview=False, config=empty)) == registered(run_program(ROOT, preview=False))
