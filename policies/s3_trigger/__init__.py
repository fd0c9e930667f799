"""The s3-triggered-state-machine policy pack's rules, importable without starting the pack.

``policies/__main__.py`` (run with cwd=policies/) does ``from s3_trigger import ...``; tests, the
gate and the benchmarks import ``policies.s3_trigger``; installed as a library
(``pip install s3-triggered-state-machine-policies``) it is ``s3_triggered_state_machine_policies``, whose
:func:`policies` a team adds to a pack of its own (:mod:`.library`). Nothing here starts a gRPC server:
:func:`build_pack` does, and it blocks.

Reusable pure modules: :mod:`.patterns` (event patterns), :mod:`.selectors` (which S3 data events a
trail logs and bills), :mod:`.regions`, :mod:`.iam`, :mod:`.graph`, :mod:`.values`.
"""

from __future__ import annotations

from . import metadata
from .bucket_checks import eventbridge_enabled_policy
from .kms_checks import KMS_KEY_POLICY, kms_key_policy_policy
from .library import policies, policy_pack
from .names import (COPY_OBJECT, DEAD_LETTER_QUEUE, EVENTBRIDGE_ENABLED, LEAST_PRIVILEGE, NO_FEEDBACK_LOOP,
                    OBJECT_CREATED_EVENTS, SAME_REGION, TARGET_AFTER_PERMISSIONS, TRAIL_COST, TRAIL_LOGS_BUCKET,
                    TRAIL_QUOTA, UNDECIDED_IN_PREVIEW)
from .region_checks import same_region_policy
from .rule_checks import copy_object_policy, object_created_events_policy
from .selectors import (explain_trail_event, multipart_billed_events, put_object_billed_events,
                        trail_logs_event, trail_logs_management_events)
from .target_checks import dead_letter_queue_policy, least_privilege_policy, target_after_permissions_policy
from .trail_checks import no_feedback_loop_policy, trail_cost_policy, trail_logs_bucket_policy, trail_quota_policy
from .undecided_checks import undecided_policy

PACK_NAME = "s3-triggered-state-machine"
PACK_DESCRIPTION = ("Stops the mistakes that make S3-triggered Step Functions workflows fail silently: "
                    "regions, event names, trails, notifications, roles, dead-letter queues and cost.")

#: Every policy name, in the order of the README.
POLICY_NAMES = (SAME_REGION, OBJECT_CREATED_EVENTS, COPY_OBJECT, TRAIL_LOGS_BUCKET, EVENTBRIDGE_ENABLED,
                NO_FEEDBACK_LOOP, LEAST_PRIVILEGE, DEAD_LETTER_QUEUE, TRAIL_COST, TRAIL_QUOTA, KMS_KEY_POLICY,
                TARGET_AFTER_PERMISSIONS, UNDECIDED_IN_PREVIEW)


def all_policies() -> list:
    """Fresh instances of the thirteen policies (pulumi_policy Policy objects), each with its severity, remediation
    steps and URL (:mod:`.metadata`). The advisory s3-trigger-undecided-in-preview comes last: it reports what the
    others left undecided in preview."""
    return metadata.apply([same_region_policy(), object_created_events_policy(), copy_object_policy(),
                           trail_logs_bucket_policy(), eventbridge_enabled_policy(), no_feedback_loop_policy(),
                           least_privilege_policy(), dead_letter_queue_policy(), trail_cost_policy(),
                           trail_quota_policy(), kms_key_policy_policy(), target_after_permissions_policy(),
                           undecided_policy()])


POLICIES = all_policies()


def build_pack() -> None:
    """Start the pack: pulumi_policy serves gRPC on 127.0.0.1, prints the port, and blocks.

    First it lets the stack policies of one AnalyzeStack call share one deserialised stack
    (:mod:`.servicer`; pulumi_policy otherwise rebuilds the whole stack for each stack policy)."""
    from .servicer import install  # pylint: disable=import-outside-toplevel
    install()
    policy_pack()


__all__ = ["PACK_NAME", "PACK_DESCRIPTION", "POLICIES", "POLICY_NAMES", "all_policies", "build_pack", "policies",
           "policy_pack",
           "explain_trail_event", "multipart_billed_events", "put_object_billed_events", "trail_logs_event",
           "trail_logs_management_events"]
