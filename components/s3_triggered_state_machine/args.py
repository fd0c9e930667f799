"""The component's arguments: their types and defaults, and the checks that run before anything is registered."""

# No `from __future__ import annotations` here: the annotations must be real types at run time, because
# component-package/ infers the component's schema for other languages from them (strings are not understood).

import re
from types import MappingProxyType
from typing import Mapping, NamedTuple, Optional, Sequence, TypedDict

import pulumi
from typing_extensions import Required  # typing.Required needs Python 3.11; pulumi depends on typing_extensions

from . import alarms as alarm_docs, lifecycle as lifecycle_docs
from .arns import PARTITIONS, parse_arn
from .bucket import bucket_name_problem
from .events import DEFAULT_EVENT_NAMES, OBJECT_CREATED_EVENTS
from .names import (NAME_RULES, component_name_problem, default_rule_name, default_trail_name, name_problem,
                    valid_component_names)
from .rule import CLOUDTRAIL, EVENTBRIDGE
from .target import (DEFAULT_MAX_EVENT_AGE_SECONDS, DEFAULT_MAX_RETRY_ATTEMPTS, EVENT, EVENT_AGE_SECONDS_RANGE,
                     INPUT_FORMATS, RETRY_ATTEMPTS_RANGE)

DELIVERIES = (CLOUDTRAIL, EVENTBRIDGE)


class S3TriggeredStateMachineArgs(TypedDict, total=False):
    """Arguments of `S3TriggeredStateMachine`. A plain dict with these keys works too."""

    state_machine_arn: Required[pulumi.Input[str]]
    """Required. ARN of the state machine that each new object starts."""
    bucket_name: Optional[str]
    """Name of the upload bucket to create. Default: a unique name generated from the component's name."""
    existing_bucket_name: Optional[pulumi.Input[str]]
    """Use this bucket, which the stack does not manage, instead of creating one; a name or another resource's output.
    It must be in the trigger's region (a trail logs, and a rule sees, only its own region's events): its region is
    looked up (`aws.s3.getBucket`), at construction for a known name, at deploy time for an output, and a mismatch is
    refused. Its settings are never changed; in EventBridge mode it must already send events to EventBridge. Cannot
    be combined with `bucket_name`. Default: unset (a bucket is created)."""
    delivery: Optional[str]
    """How S3 events reach EventBridge: "cloudtrail" (the tutorial's design: a trail logging data events, rule on
    "AWS API Call via CloudTrail") or "eventbridge" (S3 EventBridge notifications, "Object Created"; no trail, no
    CloudTrail charges). Default: "cloudtrail".

    CloudTrail allows 5 trails per region per account (organization and multi-region trails count too), and the
    limit cannot be raised; every instance in CloudTrail mode creates one. With many instances, use "eventbridge", or
    one shared trail that logs all their buckets (`create_trail=False`)."""
    event_names: Optional[Sequence[str]]
    """The S3 operations that start the state machine, a non-empty subset of PutObject, CompleteMultipartUpload,
    CopyObject, PostObject. Default: all four (every operation that creates an object)."""
    key_prefix: Optional[str]
    """Only keys starting with this prefix start the state machine, e.g. "uploads/". Default: every key."""
    key_suffix: Optional[str]
    """Only keys ending with this suffix start the state machine, e.g. ".png". With `key_prefix`, both must hold.
    Default: every key."""
    create_trail: Optional[bool]
    """CloudTrail mode only. False: a trail you already have logs this bucket's write data events, so none is
    created. Default: unset, meaning true in CloudTrail mode; setting it in EventBridge mode is an error.

    Each trail created counts against CloudTrail's 5 trails per region per account, a limit that cannot be raised:
    with many instances, share one trail (False here) or use delivery="eventbridge"."""
    trail_name: Optional[str]
    """Name of the trail: 3-128 letters, digits, '.', '_', '-', starting and ending with a letter or digit.
    Default: "<component name>-<stack>-trail"."""
    rule_name: Optional[str]
    """Name of the EventBridge rule: 1-64 letters, digits, '.', '_', '-'. Default: "<component name>-<stack>-rule"."""
    role_arn: Optional[pulumi.Input[str]]
    """ARN of an existing IAM role for EventBridge to assume. Default: a least-privilege role is created."""
    input_format: Optional[str]
    """Execution input: "event" (the EventBridge event, as in the tutorial) or "object" (a small, stable document:
    bucket, key, size, eventName, eventTime, region). Default: "event"."""
    dead_letter_queue: Optional[bool]
    """Whether an SQS dead-letter queue catches events that could not start an execution. Default: true."""
    max_retry_attempts: Optional[int]
    """Retry attempts for starting an execution, 0 to 185. Default: 185 (AWS's default)."""
    max_event_age_seconds: Optional[int]
    """How long to keep retrying, 60 to 86400 seconds. Default: 86400 (AWS's default)."""
    region: Optional[str]
    """Region of every regional resource. Default: the provider's region."""
    force_destroy: Optional[bool]
    """Whether `pulumi destroy` may delete buckets that still hold objects. Default: false."""
    tags: Optional[Mapping[str, str]]
    """Tags for every taggable resource. Default: none."""
    alarms: Optional[bool]
    """Whether CloudWatch alarms watch the trigger: the rule's FailedInvocations, messages visible in the dead-letter
    queue, and the state machine's failed, timed-out, aborted and throttled executions. Each alarm notifies
    `alarm_topic_arns`, or a topic the component creates (output `alarm_topic_arn`); missing data does not raise
    an alarm. Default: true (six standard alarms, about $0.60 a month: a lost upload otherwise goes unnoticed)."""
    alarm_topic_arns: Optional[Sequence[pulumi.Input[str]]]
    """SNS topic ARNs that every alarm notifies (on ALARM and back to OK). Default: unset, meaning a topic
    `<name>-alarms-xxxxxxx` is created; subscribe to it (output `alarm_topic_arn`). Only with `alarms` true."""
    alarm_thresholds: Optional[Mapping[str, float]]
    """Per-alarm threshold, keyed by failed_invocations, dead_letter_messages, executions_failed,
    executions_timed_out, executions_aborted, executions_throttled; an alarm fires when its metric reaches the
    threshold in `alarm_evaluation_periods` consecutive periods. Default: 1 for each (every failure counts)."""
    alarm_period_seconds: Optional[int]
    """The period each alarm's statistic is computed over, a multiple of 60 seconds from 60 to 86400 (the trigger's
    metrics are standard one-minute metrics; 10, 20 and 30 are for high-resolution metrics only). Default: 300."""
    alarm_evaluation_periods: Optional[int]
    """How many consecutive periods must breach before an alarm fires, 1 or more (period x evaluation periods at
    most one day). Default: 1."""
    kms_key_arn: Optional[pulumi.Input[str]]
    """ARN of a customer-managed KMS key (same region) that encrypts the upload bucket and the trail's log bucket
    (SSE-KMS with S3 Bucket Keys), the trail's log files, the dead-letter queue and the alarm topic. Its key policy
    must let each service use it (`components.kms.trigger_key_statements`; README "Customer-managed KMS keys"), or
    failed events and log files are lost silently. The access log bucket stays SSE-S3: S3 server access logging
    cannot write to an SSE-KMS bucket. Default: unset (SSE-S3 buckets, SQS-managed SSE, an unencrypted topic)."""
    access_logging: Optional[bool]
    """Whether S3 server access logs of the upload bucket are written to a bucket of their own
    (`<name>-access-logs-xxxxxxx`), which is itself never logged and expires logs like the trail's log bucket.
    Only for a bucket the component creates. Default: false (CloudTrail data events already record each upload in
    CloudTrail mode; access logs add every read, at S3's best-effort delivery)."""
    noncurrent_version_expiration_days: Optional[int]
    """Days after an upload is overwritten or deleted until its old version is removed, 0 to 36500; 0 keeps old
    versions forever. Current versions are never expired. Default: 30 (a month to undo a mistake, then old versions
    stop costing money)."""
    log_expiration_days: Optional[int]
    """Days until the trail's log files (and access log files) are removed, 0 to 36500; 0 keeps them forever.
    Default: 365 (a year of audit history; raise it where your retention rules ask for more)."""
    log_transition_days: Optional[int]
    """Days until log files move to S3 Glacier Instant Retrieval, 1 or more and less than `log_expiration_days`.
    Default: unset (no transition: most log files are below the 128 KiB that S3 transitions and that the
    infrequent-access classes bill at least)."""


class ArgumentError(ValueError):
    """A bad argument, reported before any resource is registered."""


class Settings(NamedTuple):
    """The validated arguments, defaults applied. (A NamedTuple rather than a dataclass: cheaper to import.)"""

    name: str
    state_machine_arn: pulumi.Input[str]
    delivery: str = CLOUDTRAIL
    bucket_name: Optional[str] = None
    existing_bucket_name: Optional[pulumi.Input[str]] = None
    event_names: tuple[str, ...] = DEFAULT_EVENT_NAMES
    key_prefix: str = ""
    key_suffix: str = ""
    create_trail: bool = True
    trail_name: str = ""
    rule_name: str = ""
    role_arn: Optional[pulumi.Input[str]] = None
    input_format: str = EVENT
    dead_letter_queue: bool = True
    max_retry_attempts: int = DEFAULT_MAX_RETRY_ATTEMPTS
    max_event_age_seconds: int = DEFAULT_MAX_EVENT_AGE_SECONDS
    region: Optional[str] = None
    force_destroy: bool = False
    tags: Mapping[str, str] = MappingProxyType({})
    alarms: bool = True
    alarm_topic_arns: Optional[tuple] = None
    alarm_thresholds: Mapping[str, float] = MappingProxyType(alarm_docs.default_thresholds())
    alarm_period_seconds: int = alarm_docs.DEFAULT_PERIOD_SECONDS
    alarm_evaluation_periods: int = alarm_docs.DEFAULT_EVALUATION_PERIODS
    kms_key_arn: Optional[pulumi.Input[str]] = None
    access_logging: bool = False
    noncurrent_version_expiration_days: int = lifecycle_docs.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS
    log_expiration_days: int = lifecycle_docs.DEFAULT_LOG_EXPIRATION_DAYS
    log_transition_days: Optional[int] = None

    @property
    def creates_alarm_topic(self) -> bool:
        return self.alarms and self.alarm_topic_arns is None

    @property
    def manages_bucket(self) -> bool:
        return self.existing_bucket_name is None

    @property
    def creates_trail(self) -> bool:
        return self.delivery == CLOUDTRAIL and self.create_trail


_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")


def _fail(component: str, argument: str, value: object, valid: str) -> ArgumentError:
    return ArgumentError(f"S3TriggeredStateMachine {component!r}: argument `{argument}` = {value!r} is invalid: "
                         f"{valid}")


def _choice(component: str, args: Mapping, key: str, choices: tuple[str, ...], default: str) -> str:
    value = args.get(key)
    if value is None:
        return default
    if value not in choices:
        raise _fail(component, key, value, "valid values are " + ", ".join(repr(c) for c in choices))
    return value


def _flag(component: str, args: Mapping, key: str, default: Optional[bool]) -> Optional[bool]:
    value = args.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(component, key, value, "it must be true or false")
    return value


def _bounded(component: str, args: Mapping, key: str, bounds: tuple[int, int], default: int) -> int:
    value = args.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
        raise _fail(component, key, value, f"it must be a whole number from {bounds[0]} to {bounds[1]} (AWS's range)")
    return value


def _key_part(component: str, args: Mapping, key: str) -> str:
    value = args.get(key)
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise _fail(component, key, value, "it must be a string")
    if "*" in value or "?" in value:
        raise _fail(component, key, value, "it is matched literally, so it must not contain wildcards (* or ?)")
    if key == "key_prefix" and value.startswith("/"):
        raise _fail(component, key, value, f"S3 keys do not start with '/'; did you mean {value.lstrip('/')!r}?")
    if len(value.encode()) > 1024:
        raise _fail(component, key, value, "S3 keys are at most 1024 bytes long")
    return value


def _arn(component: str, key: str, value: object, service: str, resource_type: str, example: str) -> None:
    """Check an ARN known at construction (an Output is checked at deploy time by `check_arn`)."""
    if value is None or isinstance(value, pulumi.Output):
        return
    problem = arn_problem(value, service, resource_type)
    if problem:
        raise _fail(component, key, value, f"{problem}; expected an ARN like {example!r}")


def arn_problem(value: object, service: str, resource_type: str, partition: Optional[str] = None,
                region: Optional[str] = None) -> Optional[str]:
    """Why `value` is not an ARN of this service and resource type (and partition, region), or None."""
    arn = parse_arn(value) if isinstance(value, str) else None
    if arn is None:
        return "it is not an ARN"
    if arn.partition not in PARTITIONS:
        return f"partition {arn.partition!r} is not an AWS partition"
    if partition and arn.partition != partition:
        return f"it is in partition {arn.partition!r}, but the provider's partition is {partition!r}"
    if arn.service != service:
        return f"it is an ARN of service {arn.service!r}, not {service!r}"
    if arn.resource_type != resource_type:
        return f"it names a {arn.resource_type or arn.resource!r}, not a {resource_type!r}"
    if region and arn.region != region:
        return (f"it is in region {arn.region!r}, but the rule is in {region!r}: "
                "EventBridge targets and the S3 events must be in one region")
    return None


def _name(component: str, args: Mapping, key: str, rule: str, default: str) -> str:
    """An explicit AWS name (`trail_name`, `rule_name`), checked against AWS's rule; or its default (derived from
    the component name, and checked with the other derived names by `component_name_problem`)."""
    value = args.get(key)
    if value is None or value == "":
        return default
    problem = name_problem(rule, value)
    if problem:
        r = NAME_RULES[rule]
        raise _fail(component, key, value, f"{problem}; {r.what}s are {r.min_length}-{r.max_length} characters "
                                           f"of {r.chars_text}")
    return value


def topic_arn_problem(value: object) -> Optional[str]:
    """Why `value` is not an SNS topic ARN, or None."""
    arn = parse_arn(value) if isinstance(value, str) else None
    if arn is None:
        return "it is not an ARN"
    if arn.partition not in PARTITIONS:
        return f"partition {arn.partition!r} is not an AWS partition"
    if arn.service != "sns":
        return f"it is an ARN of service {arn.service!r}, not 'sns'"
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}(\.fifo)?", arn.resource):
        return "its last part is not an SNS topic name (1-256 letters, digits, '-' and '_')"
    return None


def _alarm_settings(component: str, args: Mapping) -> dict:
    """The alarm arguments, checked, defaults applied."""
    enabled = _flag(component, args, "alarms", True)
    topics = args.get("alarm_topic_arns")
    if topics is not None:
        if not enabled:
            raise _fail(component, "alarm_topic_arns", topics, "it applies only with `alarms` true; leave it unset")
        if isinstance(topics, str) or not isinstance(topics, Sequence) or not topics:
            raise _fail(component, "alarm_topic_arns", topics,
                        "it must be a non-empty list of SNS topic ARNs (leave it unset to have a topic created)")
        for topic in topics:
            if isinstance(topic, pulumi.Output):
                continue
            problem = topic_arn_problem(topic)
            if problem:
                raise _fail(component, "alarm_topic_arns", list(topics),
                            f"{topic!r}: {problem}; expected an ARN like 'arn:aws:sns:us-east-2:123456789012:alerts'")
        topics = tuple(topics)
    thresholds = args.get("alarm_thresholds")
    merged = alarm_docs.default_thresholds()
    if thresholds is not None:
        if not isinstance(thresholds, Mapping):
            raise _fail(component, "alarm_thresholds", thresholds,
                        "it must map alarm keys to numbers; keys are " + ", ".join(alarm_docs.ALARM_KEYS))
        wrong = sorted(k for k in thresholds if k not in alarm_docs.ALARM_KEYS)
        if wrong:
            raise _fail(component, "alarm_thresholds", dict(thresholds),
                        f"unknown alarm(s) {', '.join(map(repr, wrong))}; valid keys are "
                        + ", ".join(alarm_docs.ALARM_KEYS))
        for key, value in thresholds.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise _fail(component, "alarm_thresholds", dict(thresholds),
                            f"{key!r}: {value!r} must be a number above 0 (a threshold of 0 would always fire)")
        merged.update(thresholds)
    period = args.get("alarm_period_seconds")
    if period is None:
        period = alarm_docs.DEFAULT_PERIOD_SECONDS
    problem = alarm_docs.period_problem(period)
    if problem:
        raise _fail(component, "alarm_period_seconds", period, problem)
    evaluation = args.get("alarm_evaluation_periods")
    if evaluation is None:
        evaluation = alarm_docs.DEFAULT_EVALUATION_PERIODS
    if isinstance(evaluation, bool) or not isinstance(evaluation, int) or evaluation < 1 \
            or evaluation * period > alarm_docs.MAX_PERIOD_SECONDS:
        raise _fail(component, "alarm_evaluation_periods", evaluation,
                    f"it must be a whole number from 1, with period x evaluation periods at most "
                    f"{alarm_docs.MAX_PERIOD_SECONDS} seconds (the period is {period})")
    if not enabled:
        given = [k for k in ("alarm_thresholds", "alarm_period_seconds", "alarm_evaluation_periods")
                 if args.get(k) is not None]
        if given:
            raise _fail(component, given[0], args[given[0]], "it applies only with `alarms` true; leave it unset")
    return {"alarms": bool(enabled), "alarm_topic_arns": topics, "alarm_thresholds": merged,
            "alarm_period_seconds": period, "alarm_evaluation_periods": evaluation}


def validate(component: str, args: Mapping, stack: str) -> Settings:
    """Check every argument and apply the defaults. Raises `ArgumentError` naming the argument, value and fix."""
    if not isinstance(args, Mapping):
        raise ArgumentError(f"S3TriggeredStateMachine {component!r}: args must be an S3TriggeredStateMachineArgs "
                            f"dict, not {type(args).__name__}")
    known = set(S3TriggeredStateMachineArgs.__annotations__)
    unknown = sorted(set(args) - known)
    if unknown:
        raise ArgumentError(f"S3TriggeredStateMachine {component!r}: unknown argument(s) {', '.join(unknown)}; "
                            f"valid arguments are {', '.join(sorted(known))}")

    state_machine_arn = args.get("state_machine_arn")
    if state_machine_arn is None or state_machine_arn == "":
        raise _fail(component, "state_machine_arn", state_machine_arn,
                    "it is required: the ARN of the state machine that each new object starts")
    _arn(component, "state_machine_arn", state_machine_arn, "states", "stateMachine",
         "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld")
    role_arn = args.get("role_arn")
    _arn(component, "role_arn", role_arn, "iam", "role", "arn:aws:iam::123456789012:role/S3StepFunctionsRole")

    delivery = _choice(component, args, "delivery", DELIVERIES, CLOUDTRAIL)
    input_format = _choice(component, args, "input_format", INPUT_FORMATS, EVENT)

    bucket_name, existing = args.get("bucket_name"), args.get("existing_bucket_name")
    shown = "(an output, known at deploy time)" if isinstance(existing, pulumi.Output) else repr(existing)
    if bucket_name is not None and existing is not None:
        raise _fail(component, "existing_bucket_name", existing if isinstance(existing, str) else shown,
                    f"it cannot be combined with `bucket_name` ({bucket_name!r}): give `bucket_name` to create a "
                    "bucket, or `existing_bucket_name` to use one this stack does not manage")
    for key, value in (("bucket_name", bucket_name), ("existing_bucket_name", existing)):
        if value is not None and not (key == "existing_bucket_name" and isinstance(value, pulumi.Output)):
            problem = bucket_name_problem(value) if isinstance(value, str) else "it must be a string"
            if problem:
                raise _fail(component, key, value, f"{problem} (AWS bucket naming rules)")

    event_names = args.get("event_names")
    if event_names is None:
        event_names = DEFAULT_EVENT_NAMES
    else:
        if isinstance(event_names, str) or not isinstance(event_names, Sequence) or not event_names:
            raise _fail(component, "event_names", event_names,
                        "it must be a non-empty list drawn from " + ", ".join(OBJECT_CREATED_EVENTS))
        wrong = [n for n in event_names if n not in OBJECT_CREATED_EVENTS]
        if wrong:
            raise _fail(component, "event_names", list(event_names),
                        f"{', '.join(map(repr, wrong))} do(es) not create objects; valid names are "
                        + ", ".join(OBJECT_CREATED_EVENTS))
        event_names = tuple(dict.fromkeys(event_names))

    create_trail = _flag(component, args, "create_trail", None)
    if create_trail is not None and delivery == EVENTBRIDGE:
        raise _fail(component, "create_trail", create_trail,
                    "it applies to delivery='cloudtrail' only; EventBridge mode never uses a trail, so leave it unset")

    region = args.get("region")
    if region is not None and (not isinstance(region, str) or not _REGION.match(region)):
        raise _fail(component, "region", region, "it must be an AWS region name such as 'us-east-2'")

    trail_name = _name(component, args, "trail_name", "trail", default_trail_name(component, stack))
    rule_name = _name(component, args, "rule_name", "event_rule", default_rule_name(component, stack))

    tags = args.get("tags") or {}
    if not isinstance(tags, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise _fail(component, "tags", tags, "it must map strings to strings")

    kms_key_arn = args.get("kms_key_arn")
    if kms_key_arn == "":
        kms_key_arn = None
    _arn(component, "kms_key_arn", kms_key_arn, "kms", "key",
         "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    access_logging = bool(_flag(component, args, "access_logging", False))
    if access_logging and existing is not None:
        raise _fail(component, "access_logging", True,
                    f"it applies only to a bucket the component creates; `existing_bucket_name` ({shown}) is "
                    "never changed, so set up its access logging where that bucket is managed")
    lifecycle = {key: args.get(key) for key in ("noncurrent_version_expiration_days", "log_expiration_days",
                                                "log_transition_days")}
    if lifecycle["noncurrent_version_expiration_days"] is None:
        lifecycle["noncurrent_version_expiration_days"] = lifecycle_docs.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS
    if lifecycle["log_expiration_days"] is None:
        lifecycle["log_expiration_days"] = lifecycle_docs.DEFAULT_LOG_EXPIRATION_DAYS
    problem = lifecycle_docs.lifecycle_problem(lifecycle["noncurrent_version_expiration_days"],
                                               lifecycle["log_expiration_days"], lifecycle["log_transition_days"])
    if problem:
        raise _fail(component, *problem)
    if existing is not None and args.get("noncurrent_version_expiration_days") is not None:
        raise _fail(component, "noncurrent_version_expiration_days", args["noncurrent_version_expiration_days"],
                    f"it applies only to a bucket the component creates; `existing_bucket_name` ({shown}) is "
                    "never changed")

    settings = Settings(
        name=component,
        state_machine_arn=state_machine_arn,
        delivery=delivery,
        bucket_name=bucket_name,
        existing_bucket_name=existing,
        event_names=tuple(event_names),
        key_prefix=_key_part(component, args, "key_prefix"),
        key_suffix=_key_part(component, args, "key_suffix"),
        create_trail=True if create_trail is None else create_trail,
        trail_name=trail_name,
        rule_name=rule_name,
        role_arn=role_arn,
        input_format=input_format,
        dead_letter_queue=bool(_flag(component, args, "dead_letter_queue", True)),
        max_retry_attempts=_bounded(component, args, "max_retry_attempts", RETRY_ATTEMPTS_RANGE,
                                    DEFAULT_MAX_RETRY_ATTEMPTS),
        max_event_age_seconds=_bounded(component, args, "max_event_age_seconds", EVENT_AGE_SECONDS_RANGE,
                                       DEFAULT_MAX_EVENT_AGE_SECONDS),
        region=region,
        force_destroy=bool(_flag(component, args, "force_destroy", False)),
        tags=dict(tags),
        **_alarm_settings(component, args),
        kms_key_arn=kms_key_arn,
        access_logging=access_logging,
        **lifecycle,
    )
    given = {key for key, value in args.items() if value is not None and value != ""}
    problem = component_name_problem(component, stack, settings, given)
    if problem:
        raise _fail(component, "name", component,
                    f"{problem}; {valid_component_names(component, stack, settings, given)}")
    return settings


def existing_bucket_problem(settings: Settings, value: object, raise_it: bool = False) -> Optional[str]:
    """Why `value`, the existing bucket's name (known only now, at deploy time), breaks AWS's naming rules, or None."""
    problem = bucket_name_problem(value) if isinstance(value, str) else "it must be a string"
    if problem and raise_it:
        raise _fail(settings.name, "existing_bucket_name", value, f"{problem} (AWS bucket naming rules)")
    return problem


def bucket_region_problem(settings: Settings, bucket_region: Optional[str], region: str,
                          raise_it: bool = False) -> Optional[str]:
    """Why an existing bucket in `bucket_region` cannot trigger a rule in `region`, or None. A single-region trail's
    selectors log only its own region's data events, and CloudTrail-delivered events and S3's EventBridge
    notifications reach only rules in the region where the bucket is: deployed across regions, nothing ever fires."""
    if not bucket_region or bucket_region == region:
        return None
    problem = (f"the bucket is in region {bucket_region!r}, but the trigger is in {region!r}: S3 events reach only "
               "rules in the bucket's region (and a trail logs only its own region's data events), so no upload "
               f"would ever start the state machine; deploy the trigger in {bucket_region!r} (the `region` argument "
               f"or the provider's region), or use a bucket in {region!r}")
    if raise_it:
        raise _fail(settings.name, "existing_bucket_name", settings.existing_bucket_name
                    if isinstance(settings.existing_bucket_name, str) else "(known at deploy time)", problem)
    return problem


def check_environment(settings: Settings, region: str, partition: str) -> None:
    """The checks that need the provider's region and partition; still before anything is registered."""
    for key, service, rtype in (("state_machine_arn", "states", "stateMachine"), ("role_arn", "iam", "role"),
                                ("kms_key_arn", "kms", "key")):
        value = getattr(settings, key)
        if value is None or isinstance(value, pulumi.Output):
            continue
        problem = arn_problem(value, service, rtype, partition, region if service in ("states", "kms") else None)
        if problem and service == "kms" and "region" in problem:
            problem = problem.split(", but")[0] + (f", but the buckets, trail and queue are in {region!r}: S3, "
                                                   "CloudTrail and SQS use only keys in their own region")
        if problem:
            raise _fail(settings.name, key, value, problem)
    for topic in settings.alarm_topic_arns or ():
        arn = parse_arn(topic) if isinstance(topic, str) else None
        if arn is None:
            continue
        if arn.partition != partition:
            raise _fail(settings.name, "alarm_topic_arns", list(settings.alarm_topic_arns),
                        f"{topic!r} is in partition {arn.partition!r}, but the provider's partition is {partition!r}")
        if arn.region != region:
            raise _fail(settings.name, "alarm_topic_arns", list(settings.alarm_topic_arns),
                        f"{topic!r} is in region {arn.region!r}, but the alarms are in {region!r}: a CloudWatch alarm "
                        "notifies SNS topics in its own region only")
