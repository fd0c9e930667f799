"""The AWS names of the component's children, and the rules AWS enforces on each, as pure functions.

A child is named `<component name><suffix>` in Pulumi (its logical name). In AWS it is either *auto-named* by
pulumi-aws, which appends a dash and 7 random hex digits to the logical name (lowercased for buckets, no other
cleaning) and refuses the result when it breaks the resource's limit, or *explicitly named* by the component (the
trail and the rule, whose ARNs are built before they exist), by default from the component name and the stack.
Either way the component name flows into AWS names, so a component name such as `photo_uploads` (no `_` in bucket
names), `uploads.v2` (no `.` in queue names) or one of 45 characters (a 63-character bucket limit) would pass a
preview and fail at deploy. `component_name_problem` finds that before anything is registered.

Sources: pulumi-aws `provider/resource_overrides.go` and `autonaming.go` (which fields are auto-named) and the
terraform-provider-aws validators (the limits), checked against AWS's naming rules.
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable, Collection, NamedTuple, Optional

from .alarms import ALARM_KEYS, DEAD_LETTER_MESSAGES, logical_suffix
from .bucket import bucket_name_problem

#: What pulumi-aws appends to an auto-named child's logical name: a dash and 7 random hex digits.
RANDOM_HEX = 7
_EXAMPLE_HEX = "0a1b2c3"  # stands in for the random digits (every rule here treats all hex digits alike)


def trail_name_problem(name: str) -> Optional[str]:
    """Why `name` is not a valid CloudTrail trail name, or None."""
    if not 3 <= len(name) <= 128:
        return f"it must be 3 to 128 characters long (it is {len(name)})"
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        return "it may contain only ASCII letters, digits, '.', '_' and '-'"
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "it must start and end with a letter or digit"
    if re.search(r"[._-]{2}", name):
        return "it must not have two of '.', '_', '-' in a row"
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        return "it must not be formatted as an IP address"
    return None


class NameRule(NamedTuple):
    """What AWS accepts as one resource type's name."""

    what: str                      # e.g. "S3 bucket name"
    min_length: int
    max_length: int
    chars: str                     # a regex character class (without brackets)
    chars_text: str                # the same, for people
    lowercase: bool = False        # pulumi-aws lowercases the auto-name first (buckets)
    extra: Optional[Callable[[str], Optional[str]]] = None  # further rules (bucket and trail naming rules)


#: One row per kind of name the component (or the tutorial stack) gives AWS.
NAME_RULES: dict[str, NameRule] = {
    "bucket": NameRule("S3 bucket name", 3, 63, r"a-z0-9.\-", "lowercase letters, digits, '.' and '-'",
                       lowercase=True, extra=bucket_name_problem),
    "trail": NameRule("CloudTrail trail name", 3, 128, r"A-Za-z0-9._\-", "letters, digits, '.', '_' and '-'",
                      extra=trail_name_problem),
    "event_rule": NameRule("EventBridge rule name", 1, 64, r"A-Za-z0-9._\-", "letters, digits, '.', '_' and '-'"),
    "event_target_id": NameRule("EventBridge target id", 1, 64, r"A-Za-z0-9._\-",
                                "letters, digits, '.', '_' and '-'"),
    "iam_role": NameRule("IAM role name", 1, 64, r"A-Za-z0-9_+=,.@\-", "letters, digits and _+=,.@-"),
    "iam_role_policy": NameRule("IAM role policy name", 1, 128, r"A-Za-z0-9_+=,.@\-", "letters, digits and _+=,.@-"),
    "sqs_queue": NameRule("SQS queue name", 1, 80, r"A-Za-z0-9_\-", "letters, digits, '_' and '-'"),
    # CreateTopic allows 256, but pulumi-aws auto-names a topic with at most 80 characters (resource_overrides.go,
    # aws_sns_topic Maxlen 80), and the component's topic is auto-named.
    "sns_topic": NameRule("SNS topic name", 1, 80, r"A-Za-z0-9_\-", "letters, digits, '_' and '-'"),
    "cloudwatch_alarm": NameRule("CloudWatch alarm name", 1, 255, r"\x20-\x7e", "printable ASCII characters"),
    "state_machine": NameRule("Step Functions state machine name", 1, 80, r"A-Za-z0-9_\-.+=@!()'",
                              "letters, digits and _-.+=@!()'"),
}


def name_problem(rule: str, name: str) -> Optional[str]:
    """Why `name` breaks the rule `NAME_RULES[rule]`, or None."""
    r = NAME_RULES[rule]
    if not isinstance(name, str):
        return "it must be a string"
    if not r.min_length <= len(name) <= r.max_length:
        return f"{r.what}s are {r.min_length} to {r.max_length} characters long (it is {len(name)})"
    if not re.fullmatch(f"[{r.chars}]+", name):
        return f"{r.what}s may contain only {r.chars_text}"
    return r.extra(name) if r.extra else None


def auto_name(logical: str, rule: str, random_hex: str = _EXAMPLE_HEX) -> str:
    """The name pulumi-aws gives a child with this logical name (with `random_hex` for its random digits)."""
    base = logical.lower() if NAME_RULES[rule].lowercase else logical
    return f"{base}-{random_hex}"


def default_trail_name(component: str, stack: str) -> str:
    return f"{component}-{stack}-trail"


def default_rule_name(component: str, stack: str) -> str:
    return f"{component}-{stack}-rule"


class Child(NamedTuple):
    """A child resource whose AWS name the component name flows into."""

    suffix: str                    # logical name: <component name><suffix>
    type: str                      # Pulumi type token
    field: str                     # the input that holds its AWS name
    rule: str                      # key of NAME_RULES
    argument: Optional[str]        # the argument that names it explicitly; None: always auto-named
    default: Optional[Callable[[str, str], str]]  # (component, stack) -> its name when `argument` is not given
    when: Callable[[Any], bool]    # whether the settings create it at all


def _always(_settings: Any) -> bool:
    return True


#: Every child that has an AWS name. Children without one (bucket settings, policies) take the bucket's or queue's.
CHILDREN: tuple[Child, ...] = (
    Child("-bucket", "aws:s3/bucket:Bucket", "bucket", "bucket", "bucket_name", None,
          lambda s: s.existing_bucket_name is None),
    Child("-trail-logs", "aws:s3/bucket:Bucket", "bucket", "bucket", None, None, lambda s: s.creates_trail),
    Child("-access-logs", "aws:s3/bucket:Bucket", "bucket", "bucket", None, None,
          lambda s: getattr(s, "access_logging", False) and s.existing_bucket_name is None),
    Child("-trail", "aws:cloudtrail/trail:Trail", "name", "trail", "trail_name", default_trail_name,
          lambda s: s.creates_trail),
    Child("-rule", "aws:cloudwatch/eventRule:EventRule", "name", "event_rule", "rule_name", default_rule_name,
          _always),
    Child("-role", "aws:iam/role:Role", "name", "iam_role", None, None, lambda s: s.role_arn is None),
    Child("-role-start-execution", "aws:iam/rolePolicy:RolePolicy", "name", "iam_role_policy", None, None,
          lambda s: s.role_arn is None),
    Child("-dlq", "aws:sqs/queue:Queue", "name", "sqs_queue", None, None, lambda s: s.dead_letter_queue),
    Child("-alarms", "aws:sns/topic:Topic", "name", "sns_topic", None, None, lambda s: s.creates_alarm_topic),
    *(Child(logical_suffix(key), "aws:cloudwatch/metricAlarm:MetricAlarm", "name", "cloudwatch_alarm", None, None,
            (lambda s: s.alarms and s.dead_letter_queue) if key == DEAD_LETTER_MESSAGES else (lambda s: s.alarms))
      for key in ALARM_KEYS),
    # pulumi-aws auto-names `targetId` too (resource_overrides.go: AutoName("targetId", ...)); the component sets none.
    Child("-target", "aws:cloudwatch/eventTarget:EventTarget", "targetId", "event_target_id", None, None, _always),
)


class DerivedName(NamedTuple):
    child: Child
    logical: str
    name: str        # the AWS name (auto-names with example digits)
    auto: bool


def derived_names(component: str, stack: str, settings: Any, given: Collection[str]) -> list[DerivedName]:
    """The AWS names that derive from the component name, for the children these settings create.

    `given` holds the arguments the caller set explicitly: a child named by one of them does not derive its name
    from the component name (its own argument is checked on its own)."""
    found = []
    for child in CHILDREN:
        if not child.when(settings):
            continue
        logical = component + child.suffix
        if child.argument is None or (child.argument not in given and child.default is None):
            found.append(DerivedName(child, logical, auto_name(logical, child.rule), True))
        elif child.argument not in given:
            found.append(DerivedName(child, logical, child.default(component, stack), False))
    return found


def _placeholder(derived: DerivedName) -> str:
    if derived.auto:
        return derived.name[: -RANDOM_HEX] + "x" * RANDOM_HEX
    return derived.name


def _room(derived: DerivedName, component: str) -> int:
    """How long the component name may be for this child's name to fit its rule."""
    return NAME_RULES[derived.child.rule].max_length - (len(derived.name) - len(component))


def _allowed(derived: list[DerivedName]) -> str:
    """The characters a component name may use so that every derived name keeps to its rule's characters."""
    chars = string.ascii_letters + string.digits + string.punctuation
    for d in derived:
        r = NAME_RULES[d.child.rule]
        chars = "".join(c for c in chars if re.fullmatch(f"[{r.chars}]", c.lower() if r.lowercase and d.auto else c))
    return chars


def _describe(chars: str) -> str:
    parts = []
    if all(c in chars for c in string.ascii_letters):
        parts.append("letters")
    if all(c in chars for c in string.digits):
        parts.append("digits")
    parts += [repr(c) for c in chars if c in string.punctuation]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def valid_component_names(component: str, stack: str, settings: Any, given: Collection[str]) -> str:
    """What a valid component name looks like with these settings, for an error message."""
    derived = derived_names(component, stack, settings, given)
    room = min(_room(d, component) for d in derived)
    chars = _allowed(derived)
    text = f"with these arguments a component name is at most {room} characters of {_describe(chars)}"
    rules = {d.child.rule for d in derived}
    if "trail" in rules:
        text += ", starting and ending with a letter or digit, with no two special characters in a row"
    elif "bucket" in rules:
        text += ", starting with a letter or digit"
    suggestion = suggest_component_name(component, stack, settings, given)
    if suggestion:
        text += f", such as {suggestion!r}"
    return text


def suggest_component_name(component: str, stack: str, settings: Any, given: Collection[str]) -> Optional[str]:
    """A cleaned-up version of `component` whose derived names are all valid, or None."""
    derived = derived_names(component, stack, settings, given)
    if not derived:
        return component
    chars = _allowed(derived)
    cleaned = "".join(c if c in chars else "-" for c in component)
    cleaned = re.sub(r"[^A-Za-z0-9]{2,}", "-", cleaned).strip(string.punctuation)
    room = min(_room(d, component) for d in derived)
    cleaned = cleaned[:max(room, 0)].strip(string.punctuation)
    if cleaned and component_name_problem(cleaned, stack, settings, given) is None:
        return cleaned
    return None


def component_name_problem(component: str, stack: str, settings: Any, given: Collection[str]) -> Optional[str]:
    """Why the component name cannot name the children these settings create (the first that breaks), or None."""
    if not isinstance(component, str) or not component:
        return "it must be a non-empty string"
    for d in derived_names(component, stack, settings, given):
        problem = name_problem(d.child.rule, d.name)
        if problem:
            how = (f"would be auto-named {_placeholder(d)!r} by pulumi-aws (x: {RANDOM_HEX} random hex digits)"
                   if d.auto else f"would be named {d.name!r}, from the component name and the stack {stack!r} "
                                  f"(`{d.child.argument}` is not set)")
            return (f"its child `{d.logical}` ({d.child.type}) {how}, and "
                    f"{problem.replace('it ', 'that name ', 1) if problem.startswith('it ') else problem}")
    return None
