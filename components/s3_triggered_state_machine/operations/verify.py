"""`verify`: a canary. Uploads a small object under a prefix the user chose (and the trigger matches), waits for the
execution whose input names it, prints the delivery path and the latency, and deletes the object; `--multipart`
also checks a multipart upload (5 MiB + 1 byte, logged as CompleteMultipartUpload). On a time-out it reads what it
can (the rule, its targets, the bucket's notification configuration or the trails, the dead-letter queue, the rule's
FailedInvocations, the state machine) and names each missing link (`diagnosis.diagnose`).

It starts a real execution of the user's state machine for each canary object: opt-in, by running it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, TextIO

from .documents import key_matches
from ..rule import CLOUDTRAIL, EVENTBRIDGE
from .diagnosis import BROKEN, Facts, broken, delivery_path, diagnose, parse_input
from .starter import OperationError, check_state_machine, error_code, error_message

#: Default time-outs: S3's EventBridge notifications are "typically delivered in seconds"; CloudTrail delivers data
#: events to EventBridge on a best-effort basis, typically within minutes.
DEFAULT_TIMEOUTS = {EVENTBRIDGE: 120.0, CLOUDTRAIL: 900.0}
PART_SIZE = 5 * 1024 * 1024  # S3's smallest part (all but the last)


@dataclass
class Canary:
    kind: str               # "PutObject" or "CompleteMultipartUpload"
    key: str
    uploaded_at: dt.datetime
    version_id: Optional[str] = None
    execution_arn: Optional[str] = None
    path: Optional[str] = None
    latency_seconds: Optional[float] = None
    deleted: bool = False


@dataclass
class VerifySummary:
    bucket: str
    state_machine_arn: str
    delivery: str
    ok: bool = False
    canaries: list = field(default_factory=list)
    findings: list = field(default_factory=list)


def canary_key(prefix: str, suffix: str, kind: str, token: Optional[str] = None) -> str:
    """`<prefix>s3tsm-canary-<kind>-<token><suffix>`: only characters that no encoding changes."""
    token = token or uuid.uuid4().hex[:12]
    return f"{prefix}s3tsm-canary-{'multipart' if kind != 'PutObject' else 'put'}-{token}{suffix}"


def check_prefix(prefix: str, key_prefix: str, key_suffix: str) -> Optional[str]:
    """Why canary keys under `prefix` would not match the rule's key filter, or None."""
    key = canary_key(prefix, key_suffix, "PutObject", "0" * 12)
    if not key_matches(key, key_prefix, key_suffix):
        return (f"--prefix {prefix!r}: the trigger matches only keys starting with {key_prefix!r}"
                f"{f' and ending with {key_suffix!r}' if key_suffix else ''}, so a canary there would start nothing; "
                f"choose a prefix under {key_prefix!r}")
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _upload(s3: Any, bucket: str, key: str, kind: str) -> tuple[Optional[str], dt.datetime]:
    body = f"s3-triggered-state-machine verify canary {key}\n".encode()
    if kind == "PutObject":
        resp = s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/plain")
        return resp.get("VersionId"), _now()
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType="text/plain")["UploadId"]
    try:
        parts = []
        for number, data in ((1, b"\0" * PART_SIZE), (2, body)):
            etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data)["ETag"]
            parts.append({"ETag": etag, "PartNumber": number})
        resp = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                            MultipartUpload={"Parts": parts})
    except Exception:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        raise
    return resp.get("VersionId"), _now()


def find_execution(sfn: Any, state_machine_arn: str, bucket: str, key: str, since: dt.datetime,
                   seen: set) -> Optional[tuple[dict, str]]:
    """The execution started since `since` whose input names s3://bucket/key, with its delivery path."""
    margin = since - dt.timedelta(minutes=2)  # clock skew between this machine and AWS
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=state_machine_arn):
        for execution in page.get("executions", []):
            if execution["startDate"] < margin:
                return None  # newest first: the rest are older
            if execution["executionArn"] in seen:
                continue
            described = sfn.describe_execution(executionArn=execution["executionArn"])
            path = delivery_path(parse_input(described.get("input")), bucket, key)
            if path:
                return described, path
            seen.add(execution["executionArn"])
    return None


def _read(facts: Facts, what: str, call: Callable[[], Any], missing: tuple = (), absent: Any = None) -> Any:
    """One read for the diagnosis: its value, `absent` for the error codes that mean "does not exist", or None
    (recorded in `facts.unreadable` with the reason)."""
    try:
        return call()
    except Exception as error:  # botocore's ClientError, or anything else: the diagnosis says what it could not read
        code = error_code(error)
        if code in missing:
            return absent
        message = " ".join(error_message(error).split())
        facts.unreadable[what] = f"{code or type(error).__name__}: " + (message[:200] + " ..." if len(message) > 200
                                                                         else message)
        return None


def gather_facts(clients: Callable[[str], Any], *, delivery: str, bucket: str, key: str, event_name: str,
                 state_machine_arn: str, rule_name: Optional[str], queue_url: Optional[str],
                 trail_name: Optional[str], since: dt.datetime, region: str) -> Facts:
    """Read every link of the chain that can be read (each read on its own: one refused read does not stop the
    others)."""
    facts = Facts(delivery=delivery, bucket=bucket, key=key, event_name=event_name,
                  state_machine_arn=state_machine_arn, rule_name=rule_name, queue_url=queue_url)
    events = clients("events")
    if rule_name:
        facts.rule = _read(facts, "the rule", lambda: events.describe_rule(Name=rule_name),
                           ("ResourceNotFoundException",), {})
        if facts.rule:
            facts.targets = _read(facts, "the rule's targets",
                                  lambda: events.list_targets_by_rule(Rule=rule_name)["Targets"])
            pattern = facts.rule.get("EventPattern")
            if pattern:
                sample = _sample_event(delivery, bucket, key, event_name, region, state_machine_arn)
                facts.pattern_matches = _read(facts, "whether the pattern matches", lambda: events.test_event_pattern(
                    EventPattern=pattern, Event=json.dumps(sample))["Result"])
            role = next((t.get("RoleArn") for t in facts.targets or [] if t.get("Arn") == state_machine_arn), None)
            if role:
                facts.role_exists = _read(facts, "the target's role", lambda: bool(
                    clients("iam").get_role(RoleName=role.rsplit("/", 1)[-1])), ("NoSuchEntity",), False)
    else:
        facts.unreadable["the rule"] = "no rule name (give --rule-name, or the stack's outputs)"
    if delivery == EVENTBRIDGE:
        facts.notification = _read(facts, "the bucket's notification configuration",
                                   lambda: clients("s3").get_bucket_notification_configuration(Bucket=bucket))
    else:
        facts.trails = _read(facts, "the trails", lambda: _trails(clients("cloudtrail"), trail_name))
    if queue_url:
        facts.dead_letters = _read(facts, "the dead-letter queue", lambda: _peek(clients("sqs"), queue_url))
    if rule_name:
        facts.failed_invocations = _read(facts, "the rule's FailedInvocations metric", lambda: _metric_sum(
            clients("cloudwatch"), "FailedInvocations", rule_name, since))
    facts.state_machine = _read(facts, "the state machine", lambda: clients("stepfunctions").describe_state_machine(
        stateMachineArn=state_machine_arn), ("StateMachineDoesNotExist",), {})
    return facts


def _sample_event(delivery: str, bucket: str, key: str, event_name: str, region: str, arn: str) -> dict:
    from .documents import backfill_event  # noqa: PLC0415
    from ..events import eventbridge_reasons  # noqa: PLC0415

    event = backfill_event(delivery, bucket=bucket, key=key, size=1, etag=None, version_id=None,
                           last_modified=_now().strftime("%Y-%m-%dT%H:%M:%SZ"), region=region,
                           account=arn.split(":")[4] if arn.count(":") > 4 else "123456789012")
    if delivery == EVENTBRIDGE:
        event["detail"]["reason"] = eventbridge_reasons([event_name])[0]
    else:
        event["detail"]["eventName"] = event_name
    return event


def _trails(cloudtrail: Any, trail_name: Optional[str]) -> list:
    """The trails to judge: the named one, or every trail of this region (a shared trail may log the bucket)."""
    described = cloudtrail.describe_trails(trailNameList=[trail_name] if trail_name else [],
                                           includeShadowTrails=True)["trailList"]
    trails = []
    for trail in described:
        arn = trail["TrailARN"]
        status = cloudtrail.get_trail_status(Name=arn)
        selectors = cloudtrail.get_event_selectors(TrailName=arn)
        trails.append({"name": trail["Name"], "arn": arn, "home_region": trail.get("HomeRegion"),
                       "is_logging": bool(status.get("IsLogging")),
                       "advanced": selectors.get("AdvancedEventSelectors") or [],
                       "basic": selectors.get("EventSelectors") or []})
    return trails


def _peek(sqs: Any, queue_url: str) -> list:
    """Up to 10 messages of the dead-letter queue, left visible (VisibilityTimeout 0): nothing is consumed."""
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   VisibilityTimeout=0, MessageAttributeNames=["All"]).get("Messages", [])
    return [{"body": m.get("Body"), "attributes": {k: v.get("StringValue") for k, v in
                                                   (m.get("MessageAttributes") or {}).items()}} for m in messages]


def _metric_sum(cloudwatch: Any, metric: str, rule_name: str, since: dt.datetime) -> float:
    stats = cloudwatch.get_metric_statistics(
        Namespace="AWS/Events", MetricName=metric, Dimensions=[{"Name": "RuleName", "Value": rule_name}],
        StartTime=since - dt.timedelta(minutes=5), EndTime=_now() + dt.timedelta(minutes=1), Period=60,
        Statistics=["Sum"])
    return float(sum(p.get("Sum", 0) for p in stats.get("Datapoints", [])))


def _delete(s3: Any, bucket: str, canary: Canary, write: Callable[[str], None]) -> None:
    try:
        kwargs = {"VersionId": canary.version_id} if canary.version_id else {}
        s3.delete_object(Bucket=bucket, Key=canary.key, **kwargs)  # the version itself: no delete marker left
        canary.deleted = True
        write(f"deleted s3://{bucket}/{canary.key}")
    except Exception as error:
        write(f"warning: could not delete s3://{bucket}/{canary.key} ({error_code(error)}: {error_message(error)}); "
              "delete it by hand")


def run_verify(*, clients: Callable[[str], Any], bucket: str, state_machine_arn: str, delivery: str, prefix: str,
               key_prefix: str = "", key_suffix: str = "", rule_name: Optional[str] = None,
               queue_url: Optional[str] = None, trail_name: Optional[str] = None, multipart: bool = False,
               timeout: Optional[float] = None, poll: float = 2.0, region: str = "",
               out: Optional[TextIO] = None, sleep: Callable[[float], None] = time.sleep) -> VerifySummary:
    write: Callable[[str], None] = (lambda line: print(line, file=out, flush=True))
    problem = check_prefix(prefix, key_prefix, key_suffix)
    if problem:
        raise OperationError(problem)
    if (timeout is not None and timeout <= 0) or poll <= 0:
        raise OperationError("--timeout and --poll must be above 0 seconds")
    s3, sfn = clients("s3"), clients("stepfunctions")
    if check_state_machine(sfn, state_machine_arn).get("type") == "EXPRESS":
        raise OperationError(f"{state_machine_arn} is an EXPRESS state machine: Step Functions lists only Standard "
                             "workflows' executions (ListExecutions), so verify cannot find the canary's execution; "
                             "look for it in the state machine's CloudWatch Logs instead")
    timeout = DEFAULT_TIMEOUTS[delivery] if timeout is None else timeout
    summary = VerifySummary(bucket, state_machine_arn, delivery)
    kinds = ["PutObject"] + (["CompleteMultipartUpload"] if multipart else [])
    write(f"verify: s3://{bucket}/{prefix}... -> {state_machine_arn} ({delivery} delivery, up to {timeout:g} s per "
          f"upload). This starts a real execution of the state machine for each canary object.")
    for kind in kinds:
        key = canary_key(prefix, key_suffix, kind)
        started_at = _now()
        try:
            version_id, uploaded_at = _upload(s3, bucket, key, kind)
        except Exception as error:
            code = error_code(error)
            if code in ("NoSuchBucket", "404"):
                raise OperationError(f"no such bucket: {bucket!r}") from error
            if code in ("AccessDenied", "403"):
                raise OperationError(f"no permission to upload to s3://{bucket}/{prefix} ({code}): s3:PutObject "
                                     "(and kms:GenerateDataKey with a KMS key) is needed") from error
            raise
        canary = Canary(kind, key, uploaded_at, version_id)
        summary.canaries.append(canary)
        write(f"uploaded s3://{bucket}/{key} ({kind}) at {uploaded_at.isoformat(timespec='milliseconds')}")
        try:
            seen: set = set()
            deadline = time.monotonic() + timeout
            found = None
            while True:
                found = find_execution(sfn, state_machine_arn, bucket, key, started_at, seen)
                if found or time.monotonic() >= deadline:
                    break
                sleep(poll)
            if found:
                execution, path = found
                canary.execution_arn, canary.path = execution["executionArn"], path
                canary.latency_seconds = (execution["startDate"] - uploaded_at).total_seconds()
                write(f"delivered: {canary.execution_arn}")
                write(f"  path: {path}")
                write(f"  latency: {canary.latency_seconds:.2f} s from the end of the upload to the execution's "
                      "start (this machine's clock against Step Functions')")
            else:
                write(f"TIME-OUT: no execution of {state_machine_arn} named s3://{bucket}/{key} within "
                      f"{timeout:g} s; reading what can be read:")
                facts = gather_facts(clients, delivery=delivery, bucket=bucket, key=key, event_name=kind,
                                     state_machine_arn=state_machine_arn, rule_name=rule_name, queue_url=queue_url,
                                     trail_name=trail_name, since=started_at, region=region)
                findings = diagnose(facts)
                summary.findings.extend(findings)
                for finding in findings:
                    write(finding.line())
                names = broken(findings)
                if names:
                    write("missing link(s): " + "; ".join(f.text for f in names))
                else:
                    write("no broken link found: " + ("CloudTrail delivers data events on a best-effort basis, "
                                                      "typically within minutes: run again with a longer --timeout"
                                                      if delivery == CLOUDTRAIL else
                                                      "run again with a longer --timeout"))
        finally:
            _delete(s3, bucket, canary, write)
    summary.ok = all(c.execution_arn for c in summary.canaries)
    write(f"summary: {'OK' if summary.ok else 'FAILED'}: {sum(1 for c in summary.canaries if c.execution_arn)} of "
          f"{len(summary.canaries)} canary upload(s) started an execution")
    return summary


__all__ = ["BROKEN", "DEFAULT_TIMEOUTS", "VerifySummary", "canary_key", "check_prefix", "find_execution",
           "gather_facts", "run_verify"]
