"""Component names that would give children names AWS refuses fail at construction; every accepted one deploys.

The rules come from pulumi-aws (`resource_overrides.go`: which fields it auto-names, `<logical name>-<7 hex>`, buckets
lowercased) and the terraform-provider-aws validators. Substitute used: Pulumi mocks (their provider is the stand-in's rules table,
standin_aws/rules.py, which refuses what pulumi-aws and AWS refuse); the names are also rebuilt here the way
pulumi-aws builds them, from what the component registered, and checked against rules written separately.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from s3_triggered_state_machine import ArgumentError, S3TriggeredStateMachine
from s3_triggered_state_machine.args import validate
from s3_triggered_state_machine.names import CHILDREN, NAME_RULES, auto_name, name_problem, trail_name_problem
from tests.component.conftest import STATE_MACHINE_ARN, Run, run_program

ARGS = {"state_machine_arn": STATE_MACHINE_ARN}
EVENTBRIDGE_ALL_AUTO = {"delivery": "eventbridge"}

# Independent statements of AWS's rules (not the component's table): (pattern, max length).
AWS = {
    "bucket": (r"[a-z0-9][a-z0-9.-]*[a-z0-9]", 63),
    "trail": (r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]", 128),
    "event_rule": (r"[.\-_A-Za-z0-9]+", 64),
    "event_target_id": (r"[.\-_A-Za-z0-9]+", 64),
    "iam_role": (r"[\w+=,.@-]+", 64),
    "iam_role_policy": (r"[\w+=,.@-]+", 128),
    "sqs_queue": (r"[A-Za-z0-9_-]+", 80),
    "state_machine": (r"[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/]+", 80),
    # SNS CreateTopic: "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers,
    # underscores, and hyphens, and must be between 1 and 256 characters long." The component's topic is auto-named,
    # and pulumi-aws auto-names topics with at most 80 characters (resource_overrides.go, aws_sns_topic Maxlen 80).
    "sns_topic": (r"[A-Za-z0-9_-]+", 80),
    # CloudWatch PutMetricAlarm AlarmName: length 1-255; printable ASCII here (the stricter side).
    "cloudwatch_alarm": (r"[\x20-\x7e]+", 255),
}


def aws_accepts(rule: str, name: str) -> bool:
    pattern, limit = AWS[rule]
    return len(name) <= limit and re.fullmatch(pattern, name, re.ASCII) is not None and name_problem(rule, name) is None


# -- the rules, as pure functions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rule,name,ok", [
    ("bucket", "uploads-bucket-0a1b2c3", True),
    ("bucket", "photo_uploads-bucket-0a1b2c3", False),
    ("bucket", "a" * 56 + "-0a1b2c3", False),          # 64 > 63
    ("bucket", "a" * 55 + "-0a1b2c3", True),
    ("iam_role", "a" * 57 + "-0a1b2c3", False),        # 65 > 64
    ("iam_role", "photo_uploads+v=2,x@y.z-role-0a1b2c3", True),
    ("iam_role_policy", "a" * 121 + "-0a1b2c3", False),
    ("sqs_queue", "uploads.v2-dlq-0a1b2c3", False),
    ("sqs_queue", "photo_uploads-dlq-0a1b2c3", True),
    ("sqs_queue", "a" * 73 + "-0a1b2c3", False),       # 81 > 80
    ("event_rule", "S3StepFunctions", True),
    ("event_rule", "has space", False),
    ("event_rule", "a" * 65, False),
    ("event_target_id", "uploads.v2-target-0a1b2c3", True),
    ("event_target_id", "a" * 57 + "-0a1b2c3", False),
    ("trail", "S3Event", True),
    ("trail", "ab", False),
    ("trail", "a--b", False),
    ("trail", "a-", False),
    ("trail", "1.2.3.4", False),
    ("state_machine", "Helloworld", True),
    ("state_machine", "Hello world", False),
    ("state_machine", "a" * 81, False),
])
def test_name_rules(rule, name, ok):
    assert (name_problem(rule, name) is None) is ok, name_problem(rule, name)


def test_the_table_covers_every_rule_and_limits_match_aws():
    assert set(NAME_RULES) == set(AWS)
    for rule, (_pattern, limit) in AWS.items():
        assert NAME_RULES[rule].max_length == limit
    assert {c.rule for c in CHILDREN} <= set(NAME_RULES)


def test_auto_names_are_built_as_pulumi_aws_builds_them():
    assert auto_name("Photo-Uploads-bucket", "bucket") == "photo-uploads-bucket-0a1b2c3"  # lowercased, nothing else
    assert auto_name("Photo-Uploads-role", "iam_role") == "Photo-Uploads-role-0a1b2c3"
    assert trail_name_problem("tutorial-dev-trail") is None


# -- refused at construction, with nothing registered -------------------------------------------------------------

REFUSED = [
    # (component name, extra args, child named, phrase of the limit broken)
    ("photo_uploads", {}, "photo_uploads-bucket", "S3 bucket names may contain only lowercase letters"),
    ("uploads.v2", {}, "uploads.v2-dlq", "SQS queue names may contain only letters, digits, '_' and '-'"),
    ("a" * 45, {}, "a" * 45 + "-trail-logs", "3 to 63 characters long (it is 64)"),
    ("a" * 49, EVENTBRIDGE_ALL_AUTO, "a" * 49 + "-bucket", "3 to 63 characters long (it is 64)"),
    ("a" * 52, {**EVENTBRIDGE_ALL_AUTO, "bucket_name": "mine"}, "a" * 52 + "-role", "1 to 64 characters long (it is 65)"),
    ("a" * 50, {**EVENTBRIDGE_ALL_AUTO, "bucket_name": "mine", "role_arn": "arn:aws:iam::123456789012:role/r",
                "dead_letter_queue": False}, "a" * 50 + "-target", "1 to 64 characters long (it is 65)"),
    ("a" * 56, {**EVENTBRIDGE_ALL_AUTO, "bucket_name": "mine", "role_arn": "arn:aws:iam::123456789012:role/r",
                "dead_letter_queue": False, "rule_name": "r"}, "a" * 56 + "-target", "1 to 64 characters"),
    ("a" * 56, {"bucket_name": "mine", "trail_name": "t" * 3}, "a" * 56 + "-trail-logs", "3 to 63"),
    ("photo uploads", {}, "photo uploads-bucket", "S3 bucket names may contain only"),
    ("xn--uploads", {}, "xn--uploads-bucket", "must not start with 'xn--'"),
    ("uploads-", {}, "uploads--trail", "two of '.', '_', '-' in a row"),
    ("-uploads", EVENTBRIDGE_ALL_AUTO, "-uploads-bucket", "start and end with a letter or digit"),
]


@pytest.mark.parametrize("name,extra,child,phrase", REFUSED, ids=[f"{r[0][:16]}-{len(r[0])}" for r in REFUSED])
def test_a_name_that_cannot_name_the_children_registers_nothing(name, extra, child, phrase):
    run = Run()
    with pytest.raises(ArgumentError) as raised:
        run_program(lambda: S3TriggeredStateMachine(name, {**ARGS, **extra}), run=run)
    assert run.resources == [], "a bad name must not register anything, not even the component"
    message = str(raised.value)
    assert message.startswith(f"S3TriggeredStateMachine {name!r}: argument `name` = {name!r} is invalid: "), message
    assert f"its child `{child}` " in message and phrase in message, message
    assert "with these arguments a component name is at most " in message, message


@pytest.mark.parametrize("name,suggestion", [
    ("photo_uploads", "'photo-uploads'"), ("uploads.v2", "'uploads-v2'"), ("a" * 45, "'" + "a" * 44 + "'"),
    ("Photo Uploads!", "'Photo-Uploads'"),
])
def test_the_message_says_what_would_be_valid(name, suggestion):
    with pytest.raises(ArgumentError) as raised:
        validate(name, ARGS, "dev")
    message = str(raised.value)
    assert "at most 44 characters of letters, digits and '-'" in message, message
    assert f"such as {suggestion}" in message, message
    validate(suggestion.strip("'"), ARGS, "dev")  # the suggestion itself is accepted


def test_the_default_trail_name_names_the_stack_it_comes_from():
    with pytest.raises(ArgumentError, match=r"from the component name and the stack 'a-\.b' \(`trail_name` is not set\)"):
        validate("uploads", ARGS, "a-.b")
    validate("uploads", {**ARGS, "trail_name": "MyTrail"}, "a-.b")  # naming it yourself avoids the default


@pytest.mark.parametrize("name,extra", [
    ("uploads", {}), ("photo-uploads", {}), ("Photo-Uploads", {}), ("tutorial", {}), ("u1", {}), ("a" * 44, {}),
    ("a" * 48, EVENTBRIDGE_ALL_AUTO),
    # the underscore and dot break only the children these arguments do not create
    ("photo_uploads", {**EVENTBRIDGE_ALL_AUTO, "bucket_name": "photo-uploads"}),
    ("uploads.v2", {**EVENTBRIDGE_ALL_AUTO, "dead_letter_queue": False, "alarms": False}),
    ("uploads.v2", {**EVENTBRIDGE_ALL_AUTO, "dead_letter_queue": False,
                    "alarm_topic_arns": ["arn:aws:sns:us-east-2:123456789012:alerts"]}),
])
def test_valid_names_deploy(name, extra):
    run = run_program(lambda: S3TriggeredStateMachine(name, {**ARGS, **extra}))
    assert run.resources[0].name == name and len(run.resources) > 5
    check_registered_names(run)


# -- every accepted name yields valid child names -----------------------------------------------------------------

TYPES = {c.type: (c.field, c.rule) for c in CHILDREN}


def check_registered_names(run: Run) -> None:
    """Every registered AWS name (given, or the auto-name pulumi-aws would build) is one AWS accepts."""
    checked = 0
    for r in run.resources:
        if r.type not in TYPES:
            continue
        field, rule = TYPES[r.type]
        name = r.inputs.get(field) or auto_name(r.name, rule)
        assert aws_accepts(rule, name), f"{r.type} {r.name}: {field} {name!r} breaks {NAME_RULES[rule].what} rules"
        checked += 1
    assert checked >= 3


# Half from the characters that can work (so that many are accepted), half from a wider set.
NAMES = st.one_of(st.text(alphabet=st.sampled_from("abcXYZ019-"), min_size=1, max_size=60),
                  st.text(alphabet=st.sampled_from("abcXYZ019-_.+@ "), min_size=1, max_size=60))
OPTIONS = st.fixed_dictionaries({}, optional={
    "delivery": st.sampled_from(["cloudtrail", "eventbridge"]),
    "bucket_name": st.just("given-bucket"),
    "role_arn": st.just("arn:aws:iam::123456789012:role/r"),
    "dead_letter_queue": st.booleans(),
    "alarms": st.booleans(),
    "rule_name": st.just("GivenRule"),
    "trail_name": st.just("GivenTrail"),
})
STACKS = st.sampled_from(["dev", "prod", "my_stack", "a" * 30])


ACCEPTED: list = []


@settings(max_examples=400, deadline=None)
@given(name=NAMES, extra=OPTIONS, stack=STACKS)
def test_every_accepted_name_yields_valid_child_names(name, extra, stack):
    """Pure: the names are rebuilt here from the logical names the component uses, independently of its table."""
    args = {**ARGS, **extra}
    if args.get("delivery") == "eventbridge":
        args.pop("trail_name", None)
    try:
        s = validate(name, args, stack)
    except ArgumentError as error:
        assert "argument `name`" in str(error)
        return
    ACCEPTED.append(name)
    names = [("event_rule", s.rule_name), ("event_target_id", auto_name(f"{name}-target", "event_target_id"))]
    if s.existing_bucket_name is None and s.bucket_name is None:
        names.append(("bucket", auto_name(f"{name}-bucket", "bucket")))
    if s.creates_trail:
        names += [("trail", s.trail_name), ("bucket", auto_name(f"{name}-trail-logs", "bucket"))]
    if s.role_arn is None:
        names += [("iam_role", auto_name(f"{name}-role", "iam_role")),
                  ("iam_role_policy", auto_name(f"{name}-role-start-execution", "iam_role_policy"))]
    if s.dead_letter_queue:
        names.append(("sqs_queue", auto_name(f"{name}-dlq", "sqs_queue")))
    if s.alarms and s.alarm_topic_arns is None:
        names.append(("sns_topic", auto_name(f"{name}-alarms", "sns_topic")))
    if s.alarms:
        names.append(("cloudwatch_alarm", auto_name(f"{name}-alarm-executions-timed-out", "cloudwatch_alarm")))
    for rule, child in names:
        assert aws_accepts(rule, child), (name, rule, child)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, extra=OPTIONS)
def test_every_accepted_name_registers_valid_child_names(name, extra):
    """Through the component under mocks: what it actually registers (so a child missing from the table shows)."""
    args = {**ARGS, **extra}
    if args.get("delivery") == "eventbridge":
        args.pop("trail_name", None)
    run = Run()
    try:
        run_program(lambda: S3TriggeredStateMachine(name, args), run=run)
    except ArgumentError as error:
        assert "argument `name`" in str(error) and run.resources == []
        return
    check_registered_names(run)
    ACCEPTED.append(name)


def test_the_property_tests_accepted_many_names():
    """Guards the two property tests against passing vacuously (every example refused)."""
    assert len(set(ACCEPTED)) >= 50
