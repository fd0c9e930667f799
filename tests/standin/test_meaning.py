"""The stand-in aws provider refuses what AWS refuses about what values MEAN, and accepts what AWS accepts (issue 19).

Substitute used: none, these are pure functions (standin_aws.rules.check, the provider's Check), plus the provider
class itself driven in-process for the test that Check refuses in both backends before anything is created. The
checks come from libraries nobody here wrote (standin_aws/meaning.py): statelint, LocalStack's rule engine (loaded from
.venv-localstack), AWS's IAM grammar shipped in cfn-lint, botocore's endpoints and ARN parser. Each row of the issue's
table has a test below that fails on the stand-in before this change (2db3a12); the AWS document each pins is quoted.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from standin_aws import rules
from standin_aws.rules import check

SM = "aws:sfn/stateMachine:StateMachine"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TRAIL = "aws:cloudtrail/trail:Trail"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
TOPIC = "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ACCOUNT = rules.ACCOUNT_ID
MACHINE = f"arn:aws:states:us-east-2:{ACCOUNT}:stateMachine:M"


def failures(type_, news, name="x", **kwargs):
    """The properties the provider's Check refuses, for these inputs."""
    result = check(type_, name, f"urn:pulumi:dev::p::{type_}::{name}", {}, news, b"seed", False, **kwargs)
    return [prop for prop, _ in result.failures]


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# ------------------------------------------------------------------------- state machine definitions (statelint)
@pytest.mark.parametrize("definition", [
    {"StartAt": "A", "States": {"A": {"Type": "Pass"}}},                          # neither Next nor End
    {"StartAt": "B", "States": {"A": {"Type": "Pass", "End": True}}},             # StartAt names no state
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}},       # Next names no state
    {"StartAt": "A", "States": {"A": {"Type": "Wait", "End": True}}},             # a Wait with no duration
])
def test_a_definition_step_functions_refuses_is_refused(definition):
    assert failures(SM, {"name": "m", "definition": json.dumps(definition)}) == ["definition"]


def test_a_valid_definition_is_accepted():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    assert failures(SM, {"name": "m", "definition": json.dumps(definition)}) == []


# ---------------------------------------------------------------------------- event patterns (LocalStack's engine)
@pytest.mark.parametrize("pattern", [
    {"source": "aws.s3"},                                             # a leaf that is not an array
    {"source": []},                                                   # an empty array
    {"detail": {"object": {"key": [{"prefx": "uploads/"}]}}},        # an operator EventBridge does not know
    {"detail": {"size": [{"numeric": [">"]}]}},                       # numeric without a number
    {"detail": {"key": [{"prefix": 5}]}},                             # prefix of a number
    {"detail": {"key": [{"wildcard": "a**b"}]}},                      # consecutive wildcards
])
def test_an_event_pattern_eventbridge_refuses_is_refused(pattern):
    assert failures(RULE, {"name": "r", "eventPattern": json.dumps(pattern)}) == ["eventPattern"]


def test_a_valid_event_pattern_is_accepted():
    pattern = {"source": ["aws.s3"], "detail-type": ["Object Created"],
               "detail": {"bucket": {"name": ["b"]}, "object": {"key": [{"wildcard": "uploads/*.png"}]},
                          "$or": [{"reason": ["PutObject"]}, {"reason": [{"anything-but": ["CopyObject"]}]}]}}
    assert failures(RULE, {"name": "r", "eventPattern": json.dumps(pattern)}) == []


@pytest.mark.parametrize("backend", ["offline", "localstack"])
def test_check_refuses_a_bad_pattern_in_both_backends_before_anything_is_created(backend):
    """The provider's Check (not Create) refuses it, with either backend: the LocalStack backend is never called
    (its endpoint here answers nothing)."""
    from pulumi.provider.experimental.provider import CheckRequest

    from standin_aws.localstack import LocalStackBackend
    from standin_aws.offline import OfflineBackend
    from standin_aws.provider import StandInAwsProvider, wrap_map

    provider = StandInAwsProvider(OfflineBackend() if backend == "offline" else LocalStackBackend("http://127.0.0.1:9"))
    provider.region = "us-east-2"
    response = asyncio.run(provider.check(CheckRequest(
        f"urn:pulumi:dev::p::{RULE}::r", {}, wrap_map({"name": "r", "eventPattern": '{"source": "aws.s3"}'}), b"s")))
    assert [f.property for f in response.failures] == ["eventPattern"]


# ------------------------------------------------------------------------- trail selectors and kms_key_id, offline
def _trail(*field_selectors, **more):
    return {"name": "trigger-trail", "s3BucketName": "logs", **more,
            "advancedEventSelectors": [{"fieldSelectors": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]}, *field_selectors]}]}


@pytest.mark.parametrize("inputs,prop", [
    (_trail({"field": "eventname", "equals": ["PutObject"]}), "advancedEventSelectors"),      # no such field
    (_trail({"field": "readOnly", "startsWiths": ["f"]}), "advancedEventSelectors"),         # Equals only
    (_trail({"field": "eventName", "equals": ["x" * 2049]}), "advancedEventSelectors"),      # values <= 2048
    (_trail({"field": "resources.ARN", "equals": ["arn:aws:s3:::uploads"]}),                  # Equals: an object ARN
     "advancedEventSelectors"),
    (_trail(kmsKeyId="trigger-key"), "kmsKeyId"),                                             # not a key ARN
    ({**_trail(), "eventSelectors": [{"readWriteType": "WriteOnly"}]}, "advancedEventSelectors"),  # both kinds
])
def test_trail_selectors_cloudtrail_refuses_are_refused_offline(inputs, prop):
    assert prop in failures(TRAIL, inputs)


def test_the_component_s_kind_of_trail_is_accepted():
    # "You can use any operator with resources.ARN, but if you use Equals or NotEquals, the value must exactly match
    # the ARN of a valid resource": StartsWith takes any prefix (the corpus's ct-good-wildcard-bucket).
    assert failures(TRAIL, _trail({"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::corpus-wild-"]})) == []
    assert failures(TRAIL, _trail({"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::uploads/"]},
                                  {"field": "eventName", "equals": ["PutObject", "CopyObject"]},
                                  {"field": "readOnly", "equals": ["false"]},
                                  kmsKeyId=f"arn:aws:kms:us-east-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                                  )) == []


# ------------------------------------------------------------------------------- IAM grammar and KMS's lockout
@pytest.mark.parametrize("type_,news,prop", [
    # A trust policy names who may assume the role: without a Principal, IAM refuses it (MalformedPolicyDocument).
    (ROLE, {"name": "r", "assumeRolePolicy": doc({"Effect": "Allow", "Action": "sts:AssumeRole"})},
     "assumeRolePolicy"),
    # ...and it has no Resource.
    (ROLE, {"name": "r", "assumeRolePolicy": doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
                                                  "Principal": {"Service": "events.amazonaws.com"}})},
     "assumeRolePolicy"),
    # An identity policy has no Principal; Effect is Allow or Deny, case-sensitive.
    (ROLE_POLICY, {"name": "p", "role": "r", "policy": doc({"Effect": "Allow", "Principal": "*",
                                                            "Action": "states:StartExecution", "Resource": "*"})},
     "policy"),
    (ROLE_POLICY, {"name": "p", "role": "r", "policy": doc({"Effect": "allow", "Action": "states:StartExecution",
                                                            "Resource": "*"})}, "policy"),
    # A resource policy needs a Principal; condition operators are IAM's.
    (BUCKET_POLICY, {"bucket": "b", "policy": doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})}, "policy"),
    (BUCKET_POLICY, {"bucket": "b", "policy": doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                                   "Resource": "*", "Condition": {"BoolEquals": {
                                                       "aws:SecureTransport": "false"}}})}, "policy"),
    # KMS: "The key policy must allow the calling principal to make a subsequent PutKeyPolicy request".
    (KEY, {"policy": doc({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                          "Action": "kms:*", "Resource": "*"})}, "policy"),
    (KEY, {"policy": doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                          "Action": "kms:*", "Resource": "*"})}, "policy"),
])
def test_policies_aws_refuses_are_refused(type_, news, prop):
    assert prop in failures(type_, news)


def test_the_default_key_policy_and_a_bypassed_lockout_check_are_accepted():
    root = {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    assert failures(KEY, {"policy": doc(root)}) == []
    service_only = doc({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:*",
                        "Resource": "*"})
    assert failures(KEY, {"policy": service_only, "bypassPolicyLockoutSafetyCheck": True}) == []
    trust = doc({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                 "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}})
    assert failures(ROLE, {"name": "r", "assumeRolePolicy": trust}) == []


# ------------------------------------------------------------------------------------- ARN-typed inputs, tags
@pytest.mark.parametrize("type_,news,prop", [
    (TARGET, {"rule": "r", "targetId": "t", "arn": "Helloworld"}, "arn"),
    (TARGET, {"rule": "r", "targetId": "t", "arn": MACHINE, "roleArn": "role/events"}, "roleArn"),
    (TARGET, {"rule": "r", "targetId": "t", "arn": MACHINE, "deadLetterConfig": {"arn": "dlq"}}, "deadLetterConfig"),
    (TARGET, {"rule": "r", "targetId": "t", "arn": "arn:aws:states:us-east-2:12345:stateMachine:M"}, "arn"),
    (ALARM, {"name": "a", "period": 60, "evaluationPeriods": 1, "alarmActions": ["alarm-topic"]}, "alarmActions"),
    (SM, {"name": "m", "roleArn": "arn:aws:iam::123:role/x"}, "roleArn"),
    # aws-sdk-go's arn.Parse (terraform-provider-aws's ValidARN): "if !strings.HasPrefix(arn, arnPrefix) { return
    # ARN{}, errors.New(invalidPrefix) }" with arnPrefix = "arn:"; botocore's ArnParser accepted these.
    (TARGET, {"rule": "r", "targetId": "t", "arn": MACHINE.replace("arn:", "xrn:", 1)}, "arn"),
    (SM, {"name": "m", "roleArn": f"ARN:aws:iam::{ACCOUNT}:role/x"}, "roleArn"),
    (TARGET, {"rule": "r", "targetId": "t", "arn": f"arn:aws:states:us-east-2:{ACCOUNT}"}, "arn"),  # 5 sections
])
def test_malformed_arns_are_refused(type_, news, prop):
    assert failures(type_, news) == [prop]


@pytest.mark.parametrize("tags", [
    {"aws:owner": "me"},                        # the aws: prefix is reserved
    {"AWS:owner": "me"},
    {"k" * 129: "v"},                           # keys 1-128
    {"": "v"},
    {"k": "v" * 257},                           # values 0-256
    {f"k{i}": "v" for i in range(51)},          # 50 tags at most
])
def test_tags_aws_refuses_are_refused(tags):
    assert failures(BUCKET, {"bucket": "b-1234567", "tags": tags}) == ["tags"]


def test_tags_aws_accepts_are_accepted():
    assert failures(BUCKET, {"bucket": "b-1234567", "tags": {f"k{i}": "v" * 256 for i in range(50)}}) == []


@pytest.mark.parametrize("region", ["cn-north-1", "us-gov-west-1", "us-east-9", "mars-1"])
def test_a_region_outside_the_provider_s_partition_or_unknown_to_aws_is_refused(region):
    env = rules.Env(provider_region="us-east-2")
    assert failures(BUCKET, {"bucket": "b-1234567", "region": region}, env=env) == ["region"]
    assert failures(BUCKET, {"bucket": "b-1234567", "region": "eu-west-1"}, env=env) == []


# -------------------------------------------------------------------------------------------------- SNS topic
def test_regions_resolve_to_the_partition_botocore_s_endpoint_resolver_gives():
    """meaning.partition_of reads botocore's endpoints.json as data (importing botocore's loader cost 0.12 s per
    stand-in process); it must answer as `botocore.regions.EndpointResolver.get_partition_for_region` does, for every
    region botocore lists and for names only its partitions' patterns (or nothing) match."""
    import botocore.exceptions  # noqa: PLC0415
    import botocore.loaders  # noqa: PLC0415
    import botocore.regions  # noqa: PLC0415

    from standin_aws import meaning  # noqa: PLC0415

    data = botocore.loaders.create_loader().load_data("endpoints")
    resolver = botocore.regions.EndpointResolver(data)
    listed = [r for p in data["partitions"] for r in p.get("regions", {})]
    made_up = ["us-east-9", "cn-west-7", "us-gov-south-3", "us-iso-north-4", "eu-isoe-east-2", "mars-1", "", "US-EAST-1",
               "us-east-1a", "aws-global", "eusc-de-east-1", "eusc-fr-east-1"]
    assert len(listed) > 30
    for region in listed + made_up:
        try:
            want = resolver.get_partition_for_region(region)
        except botocore.exceptions.UnknownRegionError:
            want = None
        assert meaning.partition_of(region) == want, region
        assert meaning.known_region(region) == (region in listed), region


def test_sns_topic_auto_names_are_80_characters_at_most_and_fifo_topics_end_with_fifo():
    """pulumi-aws provider/resource_overrides.go, aws_sns_topic: AutoNameOptions{Maxlen: 80, Randlen: 7, PostTransform:
    name + ".fifo" when fifoTopic}."""
    assert failures(TOPIC, {}, name="t" * 72) == []            # 72 + '-' + 7 = 80
    assert failures(TOPIC, {}, name="t" * 73) == ["name"]      # 81
    fifo = check(TOPIC, "t", "urn:pulumi:dev::p::aws:sns/topic:Topic::t", {}, {"fifoTopic": True}, b"s", False)
    assert fifo.failures == [] and fifo.inputs["name"].endswith(".fifo")
    assert failures(TOPIC, {"name": "t" * 256}) == []          # an explicit name may be 256 (CreateTopic)


def test_the_component_knows_the_80_character_topic_limit():
    from s3_triggered_state_machine.names import name_problem

    assert name_problem("sns_topic", "t" * 80) is None
    assert name_problem("sns_topic", "t" * 81) is not None


# ---------------------------------------------------------------------------------------------------- alarms
def test_alarm_period_times_evaluation_periods_is_at_most_a_day_for_periods_under_an_hour():
    """PutMetricAlarm, Period: "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms
    with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one day
    (86,400 seconds)." """
    assert failures(ALARM, {"name": "a", "period": 60, "evaluationPeriods": 1440}) == []
    assert failures(ALARM, {"name": "a", "period": 60, "evaluationPeriods": 1441}) == ["evaluationPeriods"]
    assert failures(ALARM, {"name": "a", "period": 3600, "evaluationPeriods": 168}) == []
    assert failures(ALARM, {"name": "a", "period": 3600, "evaluationPeriods": 169}) == ["evaluationPeriods"]


@pytest.mark.parametrize("period", [10, 20, 30, 60, 300])
def test_alarm_periods_aws_accepts_are_accepted(period):
    """PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any multiple of 60." """
    assert failures(ALARM, {"name": "a", "period": period, "evaluationPeriods": 1}) == []


@pytest.mark.parametrize("period", [5, 45, 90])
def test_alarm_periods_aws_refuses_are_refused(period):
    assert failures(ALARM, {"name": "a", "period": period, "evaluationPeriods": 1}) == ["period"]


# ------------------------------------------------------------------------------------------ lifecycle, KMS alias
def test_a_lifecycle_rule_without_an_id_is_refused():
    """terraform-provider-aws, aws_s3_bucket_lifecycle_configuration: rule.id is Required (1-255 characters)."""
    rule = {"status": "Enabled", "expiration": {"days": 1}}
    assert failures(LIFECYCLE, {"bucket": "b", "rules": [rule]}) == ["rules"]
    assert failures(LIFECYCLE, {"bucket": "b", "rules": [{**rule, "id": ""}]}) == ["rules"]
    assert failures(LIFECYCLE, {"bucket": "b", "rules": [{**rule, "id": "expire"}]}) == []


def test_a_kms_alias_is_auto_named_with_the_alias_prefix():
    """pulumi-aws resource_overrides.go, aws_kms_alias: AutoNameOptions{Maxlen: 238, Randlen: 7, PostTransform:
    "alias/" + name}."""
    result = check(ALIAS, "trigger-key", "urn:pulumi:dev::p::aws:kms/alias:Alias::trigger-key", {},
                   {"targetKeyId": "k"}, b"s", False)
    assert result.failures == [] and result.inputs["name"].startswith("alias/trigger-key-")
    assert failures(ALIAS, {"targetKeyId": "k"}, name="a" * 231) == ["name"]     # 231 + 8 = 239 > 238


def test_alarm_names_are_utf8_without_control_characters():
    """PutMetricAlarm, AlarmName: "The name must contain only UTF-8 characters, and can't contain ASCII control
    characters" (the stand-in had refused every non-ASCII name)."""
    assert failures(ALARM, {"name": "Fehlgeschlagene Aufrufe – Übersicht", "period": 60, "evaluationPeriods": 1}) == []
    assert failures(ALARM, {"name": "failed\tinvocations", "period": 60, "evaluationPeriods": 1}) == ["name"]


def test_localstack_s_rule_engine_is_loaded_only_as_checked_and_a_missing_one_refuses_patterns(tmp_path, monkeypatch):
    """meaning.py runs LocalStack's event_rule_engine.py from .venv-localstack only when its imports are exactly the
    ones it was read for; a different file, or none, makes every pattern refused with the reason (never passed)."""
    from standin_aws import meaning

    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / f"localstack_core-{meaning.LOCALSTACK_VERSION}.dist-info").mkdir(parents=True)
    engine = site / "localstack" / "services" / "events" / "event_rule_engine.py"
    engine.parent.mkdir(parents=True)
    engine.write_text("import os\nfrom localstack.aws.api.events import InvalidEventPatternException\n")
    monkeypatch.setenv("LOCALSTACK_VENV", str(tmp_path))
    meaning._pattern_compiler.cache_clear()
    try:
        problem = meaning.event_pattern_problem('{"source": ["aws.s3"]}')
        assert problem and "refusing to load it" in problem
        monkeypatch.setenv("LOCALSTACK_VENV", str(tmp_path / "absent"))
        problem = meaning.event_pattern_problem('{"source": ["aws.s3"]}')
        assert problem and "scripts/setup" in problem
    finally:
        monkeypatch.undo()
        meaning._pattern_compiler.cache_clear()
    assert meaning.event_pattern_problem('{"source": ["aws.s3"]}') is None
