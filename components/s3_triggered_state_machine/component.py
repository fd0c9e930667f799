"""`S3TriggeredStateMachine`: the imperative shell. It validates, then wires resources to the pure documents.

Reading order follows the data: upload bucket -> trail (CloudTrail mode) -> rule -> role -> dead-letter queue -> target
-> the state machine that the caller owns.
"""

# No `from __future__ import annotations` here: the annotations must be real types at run time, because
# component-package/ infers the component's schema for other languages from them (strings are not understood).

import json
import weakref
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from . import alarms as alarm_docs, arns, bucket as bucket_docs, role as role_docs, rule as rule_docs, target as target_docs
from . import kms as kms_docs, lifecycle as lifecycle_docs, trail as trail_docs
from .args import (S3TriggeredStateMachineArgs, Settings, arn_problem, bucket_region_problem, check_environment,
                   existing_bucket_problem, validate)

TYPE_TOKEN = "s3-triggered-state-machine:index:S3TriggeredStateMachine"


def _json(document: Any) -> str:
    return json.dumps(document, sort_keys=True)


def _json_of(document: Any) -> Any:
    """`_json`, also of a document known only later (an Output)."""
    return document.apply(_json) if isinstance(document, pulumi.Output) else _json(document)


def _aws_provider(opts: Optional[pulumi.ResourceOptions]) -> Optional[pulumi.ProviderResource]:
    if opts is None:
        return None
    if opts.provider is not None:
        return opts.provider
    providers = opts.providers or []
    candidates = providers.values() if isinstance(providers, Mapping) else providers
    return next((p for p in candidates if getattr(p, "package", None) == "aws"), None)


#: Account, partition and region per provider, looked up once per program run (keyed by the run's resource
#: monitor, which each run, mocked or real, has its own of). Synchronous invokes each drain the SDK's pending
#: work, so three per instance made large stacks quadratic (benchmarks/README.md).
_ENVIRONMENTS: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _resolved_provider(opts: Optional[pulumi.ResourceOptions]) -> Optional[pulumi.ProviderResource]:
    provider = _aws_provider(opts)
    if provider is None and opts is not None and opts.parent is not None:
        provider = opts.parent.get_provider("aws::")
    return provider


def _environment(opts: Optional[pulumi.ResourceOptions]) -> tuple[str, str, str]:
    """(account, partition, region) of the AWS provider these options resolve to."""
    provider = _resolved_provider(opts)
    monitor = pulumi.runtime.settings.get_monitor()
    cache = _ENVIRONMENTS.setdefault(monitor, {}) if monitor is not None else {}
    key = id(provider) if provider is not None else None
    if key not in cache:
        invoke_opts = pulumi.InvokeOptions(provider=provider)
        cache[key] = (aws.get_caller_identity(opts=invoke_opts).account_id,
                      aws.get_partition(opts=invoke_opts).partition,
                      aws.get_region(opts=invoke_opts).region)
    return cache[key]


class S3TriggeredStateMachine(pulumi.ComponentResource):
    """Every new object in an S3 bucket starts an execution of a Step Functions state machine.

    Composes the upload bucket (private, encrypted, versioned, TLS only), the CloudTrail trail with advanced selectors
    (CloudTrail mode) or the bucket's EventBridge notification (EventBridge mode), the EventBridge rule, a
    least-privilege role, a dead-letter queue and the rule's target.

    The name prefixes every child's logical name, and pulumi-aws auto-names most of them from it; a name that would
    give a child a name AWS refuses (`components/names.py`: e.g. `photo_uploads`, `uploads.v2`, 45+ characters with
    the defaults) raises `ArgumentError` before anything is registered. In CloudTrail mode each instance creates a
    trail, and CloudTrail allows only 5 per region per account: many instances should use EventBridge mode or share
    one trail (`create_trail=False`).
    """

    bucket_name: pulumi.Output[str]
    """Name of the upload bucket."""
    bucket_arn: pulumi.Output[str]
    """ARN of the upload bucket."""
    rule_name: pulumi.Output[str]
    """Name of the EventBridge rule."""
    rule_arn: pulumi.Output[str]
    """ARN of the EventBridge rule."""
    role_arn: pulumi.Output[str]
    """ARN of the role EventBridge assumes to start executions."""
    event_pattern: pulumi.Output[str]
    """The rule's event pattern, as a JSON string."""
    trail_name: pulumi.Output[Optional[str]]
    """Name of the trail created for the bucket; None where none is created."""
    trail_arn: pulumi.Output[Optional[str]]
    """ARN of the trail created for the bucket; None where none is created."""
    log_bucket_name: pulumi.Output[Optional[str]]
    """Name of the trail's log bucket; None where no trail is created."""
    dead_letter_queue_arn: pulumi.Output[Optional[str]]
    """ARN of the dead-letter queue; None without one."""
    dead_letter_queue_url: pulumi.Output[Optional[str]]
    """URL of the dead-letter queue (what `redrive` reads); None without one."""
    alarm_topic_arn: pulumi.Output[Optional[str]]
    """ARN of the SNS topic the component created for its alarms (subscribe to it); None where `alarm_topic_arns`
    is given or `alarms` is false."""
    alarm_names: pulumi.Output[Mapping[str, str]]
    """The CloudWatch alarms' names, by key (failed_invocations, dead_letter_messages, executions_failed, ...);
    empty with `alarms` false."""

    def __init__(self, name: str, args: S3TriggeredStateMachineArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        # Everything that can be checked is checked before the component registers, so bad input creates nothing.
        settings = validate(name, args, pulumi.get_stack())
        account, partition, provider_region = _environment(opts)
        region = settings.region or provider_region
        check_environment(settings, region, partition)
        invoke_opts = pulumi.InvokeOptions(provider=_resolved_provider(opts))
        if isinstance(settings.existing_bucket_name, str):
            # Known now: refused before anything is registered. (Known only at deploy time: `_upload_bucket`.)
            found = aws.s3.get_bucket(bucket=settings.existing_bucket_name, region=settings.region, opts=invoke_opts)
            bucket_region_problem(settings, found.bucket_region, region, raise_it=True)

        super().__init__(TYPE_TOKEN, name, None, opts)
        self._settings, self._region, self._account, self._partition = settings, region, account, partition
        self._invoke_opts = invoke_opts

        state_machine_arn = self._checked_state_machine_arn()
        bucket_name, bucket_arn = self._upload_bucket()
        trail = self._trail(bucket_name) if settings.creates_trail else None
        rule_arn = arns.rule_arn(partition, region, account, settings.rule_name)
        pattern = bucket_name.apply(lambda b: _json(rule_docs.event_pattern(
            settings.delivery, b, settings.event_names, settings.key_prefix, settings.key_suffix)))
        rule = aws.cloudwatch.EventRule(
            f"{name}-rule", name=settings.rule_name, event_pattern=pattern, region=settings.region,
            description=f"New objects in the bucket start the state machine ({settings.delivery} delivery)",
            tags=settings.tags or None, opts=self._child())
        role_arn, role_policy = self._role(rule_arn, state_machine_arn)
        queue, queue_policy = self._dead_letter_queue(rule_arn) if settings.dead_letter_queue else (None, None)
        # The target goes live only after the permissions it relies on exist: for a permission error EventBridge does
        # not retry but sends the event straight to the dead-letter queue (EventBridge User Guide, "Event retry
        # policy and using dead-letter queues"), and without the queue's policy it cannot send it there either.
        permissions = [p for p in (role_policy, queue_policy) if p is not None]
        aws.cloudwatch.EventTarget(
            f"{name}-target",
            rule=rule.name,
            arn=state_machine_arn,
            role_arn=role_arn,
            region=settings.region,
            retry_policy=target_docs.retry_policy(settings.max_retry_attempts, settings.max_event_age_seconds),
            dead_letter_config={"arn": queue.arn} if queue else None,
            input_transformer=(target_docs.input_transformer(settings.delivery)
                               if settings.input_format == target_docs.OBJECT else None),
            opts=self._child(depends_on=permissions))
        topic_arn, alarm_names = self._alarms(state_machine_arn, queue) if settings.alarms else (None, {})

        self.bucket_name = bucket_name
        self.bucket_arn = bucket_arn
        self.rule_name = rule.name
        self.rule_arn = rule.arn
        self.role_arn = pulumi.Output.from_input(role_arn)
        self.event_pattern = pattern
        self.trail_name = trail.name if trail else pulumi.Output.from_input(None)
        self.trail_arn = trail.arn if trail else pulumi.Output.from_input(None)
        self.log_bucket_name = trail.s3_bucket_name if trail else pulumi.Output.from_input(None)
        self.dead_letter_queue_arn = queue.arn if queue else pulumi.Output.from_input(None)
        self.dead_letter_queue_url = queue.url if queue else pulumi.Output.from_input(None)
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.alarm_names = pulumi.Output.from_input(alarm_names)
        self.register_outputs({
            "bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn, "rule_name": self.rule_name,
            "rule_arn": self.rule_arn, "role_arn": self.role_arn, "event_pattern": self.event_pattern,
            "trail_name": self.trail_name, "trail_arn": self.trail_arn, "log_bucket_name": self.log_bucket_name,
            "dead_letter_queue_arn": self.dead_letter_queue_arn, "dead_letter_queue_url": self.dead_letter_queue_url,
            "alarm_topic_arn": self.alarm_topic_arn, "alarm_names": self.alarm_names,
        })

    # -- helpers -------------------------------------------------------------------------------------------------

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def _private_bucket(self, logical: str, bucket: Optional[str], policy, lifecycle_rules: list,
                        eventbridge: bool = False, kms: bool = True) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        """A private, encrypted (with `kms_key_arn` when given and `kms`), versioned bucket with these lifecycle
        rules, whose policy is `policy(bucket_arn)`.

        S3 answers `OperationAborted` to concurrent configuration calls on one bucket, so its settings are applied
        one at a time, in this order, each depending on the one before."""
        s = self._settings
        encryption = (kms_docs.sse_kms_rule(s.kms_key_arn) if kms and s.kms_key_arn is not None
                      else kms_docs.sse_s3_rule())
        created = aws.s3.Bucket(logical, bucket=bucket, force_destroy=s.force_destroy, region=s.region,
                                tags=s.tags or None, opts=self._child())
        previous: pulumi.Resource = created

        def after_previous() -> pulumi.ResourceOptions:
            return self._child(depends_on=[previous])

        previous = aws.s3.BucketOwnershipControls(
            f"{logical}-ownership", bucket=created.bucket, region=s.region,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=after_previous())
        previous = aws.s3.BucketPublicAccessBlock(
            f"{logical}-public-access-block", bucket=created.bucket, region=s.region, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=after_previous())
        previous = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{logical}-encryption", bucket=created.bucket, region=s.region,
            rules=[encryption], opts=after_previous())
        previous = aws.s3.BucketVersioning(f"{logical}-versioning", bucket=created.bucket, region=s.region,
                                           versioning_configuration={"status": "Enabled"}, opts=after_previous())
        previous = aws.s3.BucketLifecycleConfiguration(f"{logical}-lifecycle", bucket=created.bucket,
                                                       region=s.region, rules=lifecycle_rules, opts=after_previous())
        if eventbridge:
            previous = aws.s3.BucketNotification(f"{logical}-notification", bucket=created.bucket, eventbridge=True,
                                                 region=s.region, opts=after_previous())
        bucket_policy = aws.s3.BucketPolicy(
            f"{logical}-policy", bucket=created.bucket, region=s.region,
            policy=created.arn.apply(lambda arn: _json_of(policy(arn))), opts=after_previous())
        return created, bucket_policy

    def _upload_bucket(self) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        s = self._settings
        if not s.manages_bucket:
            # A bucket this stack does not manage: never rewrite its settings or its notification configuration.
            # A name known only at deploy time (another resource's output) is checked then, as strictly: its naming
            # rules, that it exists, and that it is in the trigger's region.
            def named(value: str) -> str:
                existing_bucket_problem(s, value, raise_it=True)
                return value

            name = pulumi.Output.from_input(s.existing_bucket_name).apply(named)
            if not isinstance(s.existing_bucket_name, str):
                found = aws.s3.get_bucket_output(bucket=name, region=s.region, opts=self._invoke_opts)
                name = pulumi.Output.all(name, found.bucket_region).apply(
                    lambda pair: bucket_region_problem(s, pair[1], self._region, raise_it=True) or pair[0])
            return name, name.apply(lambda b: arns.bucket_arn(self._partition, b))
        created, created_policy = self._private_bucket(
            f"{s.name}-bucket", s.bucket_name, bucket_docs.tls_only_bucket_policy,
            lifecycle_docs.upload_bucket_rules(s.noncurrent_version_expiration_days),
            eventbridge=s.delivery == rule_docs.EVENTBRIDGE)
        if s.access_logging:
            self._access_logs(created, created_policy)
        return created.bucket, created.arn

    def _access_logs(self, uploads: aws.s3.Bucket, uploads_policy: aws.s3.BucketPolicy) -> None:
        """Server access logs of the upload bucket, into a bucket of their own that is never logged itself (its logs
        would log their own delivery). SSE-S3 even with `kms_key_arn`: S3 cannot deliver access logs to a bucket
        whose default encryption is SSE-KMS."""
        s = self._settings
        prefix = "access-logs/"
        logs, logs_policy = self._private_bucket(
            f"{s.name}-access-logs", None,
            lambda arn: uploads.bucket.apply(lambda source: bucket_docs.access_log_bucket_policy(
                arn, self._account, arns.bucket_arn(self._partition, source), prefix)),
            lifecycle_docs.log_bucket_rules(s.log_expiration_days, s.log_transition_days), kms=False)
        aws.s3.BucketLogging(f"{s.name}-bucket-logging", bucket=uploads.bucket, region=s.region,
                             target_bucket=logs.bucket, target_prefix=prefix,
                             opts=self._child(depends_on=[uploads_policy, logs_policy]))

    def _trail(self, bucket_name: pulumi.Output[str]) -> aws.cloudtrail.Trail:
        s = self._settings
        trail_arn = arns.trail_arn(self._partition, self._region, self._account, s.trail_name)
        logs, logs_policy = self._private_bucket(
            f"{s.name}-trail-logs", None,
            lambda arn: bucket_docs.cloudtrail_log_bucket_policy(arn, self._account, trail_arn),
            lifecycle_docs.log_bucket_rules(s.log_expiration_days, s.log_transition_days))
        selectors = bucket_name.apply(lambda b: trail_docs.advanced_event_selectors(
            arns.bucket_arn(self._partition, b), s.event_names, s.key_prefix))
        return aws.cloudtrail.Trail(
            f"{s.name}-trail", name=s.trail_name, s3_bucket_name=logs.bucket, region=s.region,
            advanced_event_selectors=selectors, enable_logging=True, enable_log_file_validation=True,
            is_multi_region_trail=False, include_global_service_events=False, tags=s.tags or None,
            kms_key_id=s.kms_key_arn,
            opts=self._child(depends_on=[logs_policy]))

    def _checked_state_machine_arn(self) -> pulumi.Output[str]:
        """The state machine ARN; one known only at deploy time is checked there, as clearly as at construction."""
        s = self._settings

        def check(value: str) -> str:
            problem = arn_problem(value, "states", "stateMachine", self._partition, self._region)
            if problem:
                raise ValueError(f"S3TriggeredStateMachine {s.name!r}: argument `state_machine_arn` = {value!r} is "
                                 f"invalid: {problem}")
            return value

        return pulumi.Output.from_input(s.state_machine_arn).apply(check)

    def _role(self, rule_arn: str, state_machine_arn: pulumi.Output[str]
              ) -> tuple[pulumi.Input[str], Optional[aws.iam.RolePolicy]]:
        """The role EventBridge assumes, and the policy granting it StartExecution (None for a given role)."""
        s = self._settings
        if s.role_arn is not None:
            return s.role_arn, None
        role = aws.iam.Role(f"{s.name}-role", assume_role_policy=_json(role_docs.events_trust_policy(
            self._account, rule_arn)), description="EventBridge starts the state machine for new S3 objects",
            tags=s.tags or None, opts=self._child())
        policy = aws.iam.RolePolicy(f"{s.name}-role-start-execution", role=role.id, opts=self._child(),
                                    policy=state_machine_arn.apply(
                                        lambda arn: _json(role_docs.start_execution_policy(arn))))
        return role.arn, policy

    def _dead_letter_queue(self, rule_arn: str) -> tuple[aws.sqs.Queue, aws.sqs.QueuePolicy]:
        s = self._settings
        encryption = ({"kms_master_key_id": s.kms_key_arn} if s.kms_key_arn is not None
                      else {"sqs_managed_sse_enabled": True})
        queue = aws.sqs.Queue(f"{s.name}-dlq", message_retention_seconds=1209600, region=s.region,
                              tags=s.tags or None, opts=self._child(), **encryption)
        policy = aws.sqs.QueuePolicy(f"{s.name}-dlq-policy", queue_url=queue.url, region=s.region,
                                     opts=self._child(),
                                     policy=queue.arn.apply(lambda arn: _json(target_docs.dead_letter_queue_policy(
                                         arn, rule_arn))))
        return queue, policy

    def _alarms(self, state_machine_arn: pulumi.Output[str],
                queue: Optional[aws.sqs.Queue]) -> tuple[Optional[pulumi.Output[str]], dict]:
        """The alarms of `components/alarms.py`, each notifying the given topics or one created here."""
        s = self._settings
        topic_arn = None
        if s.creates_alarm_topic:
            # With a key, the topic is encrypted with it (the key policy must let cloudwatch.amazonaws.com use it).
            # Without one it stays unencrypted: CloudWatch cannot publish to a topic under the AWS-managed key.
            topic = aws.sns.Topic(f"{s.name}-alarms", region=s.region, tags=s.tags or None, opts=self._child(),
                                  kms_master_key_id=s.kms_key_arn)
            topic_arn = topic.arn
            actions: tuple = (topic.arn,)
        else:
            actions = tuple(s.alarm_topic_arns)
        definitions = alarm_docs.alarm_definitions(
            s.rule_name, state_machine_arn, queue.name if queue else None,
            alarm_docs.Thresholds(dict(s.alarm_thresholds), s.alarm_period_seconds, s.alarm_evaluation_periods),
            actions, trigger=s.name)
        names = {}
        for key, definition in definitions.items():
            alarm = aws.cloudwatch.MetricAlarm(f"{s.name}{alarm_docs.logical_suffix(key)}", region=s.region,
                                               tags=s.tags or None, opts=self._child(), **definition)
            names[key] = alarm.name
        return topic_arn, names


__all__ = ["S3TriggeredStateMachine", "S3TriggeredStateMachineArgs", "Settings", "TYPE_TOKEN"]
