"""`pulumi destroy` behaves like the AWS provider: it refuses a bucket that still holds objects (versions included: the
buckets are versioned) unless forceDestroy, names the bucket, keeps its objects, and (with `--continue-on-error`)
deletes everything else; otherwise it leaves the emulator clean.

Substitute for AWS: the real Pulumi CLI (`pulumi destroy`) + the stand-in aws provider's LocalStack backend (its
Delete refuses a non-empty bucket as terraform-provider-aws does) + LocalStack 4.8.1. What is left is read from
LocalStack with boto3, independently of the provider, and from the engine's own state (`pulumi stack export`).
"""
from __future__ import annotations

import pytest

from .helpers import deploy_tutorial

pytestmark = pytest.mark.emulator


def _leftovers(aws, resources: list[dict]) -> list[str]:
    """Which of these (engine-recorded) resources still exist in the emulator."""
    s3, iam, sfn, sqs, events = aws("s3"), aws("iam"), aws("stepfunctions"), aws("sqs"), aws("events")
    buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    roles = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    machines = {m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    queues = set(sqs.list_queues().get("QueueUrls", []))
    rules = {r["Name"] for r in events.list_rules()["Rules"]}
    left = []
    for r in resources:
        exists = {
            "aws:s3/bucket:Bucket": lambda: r["id"] in buckets,
            "aws:iam/role:Role": lambda: r["id"] in roles,
            "aws:sfn/stateMachine:StateMachine": lambda: r["id"] in machines,
            "aws:sqs/queue:Queue": lambda: any(u.endswith("/" + r["outputs"]["name"]) for u in queues),
            "aws:cloudwatch/eventRule:EventRule": lambda: r["id"] in rules,
        }.get(r["type"])
        if exists and exists():
            left.append(f"{r['type']} {r['id']}")
    return left


def test_a_bucket_with_objects_and_no_force_destroy_is_refused_and_keeps_its_objects(endpoint, aws):
    deployed = deploy_tutorial(endpoint, "e2e-destroy", delivery="eventbridge")  # forceDestroy: false (the default)
    try:
        s3 = aws("s3")
        bucket = deployed.bucket
        created = deployed.custom_resources()
        s3.put_object(Bucket=bucket, Key="keep.png", Body=b"v1")
        s3.put_object(Bucket=bucket, Key="keep.png", Body=b"v2")  # two versions
        refused = deployed.stack.destroy("--continue-on-error", check=False)
        assert refused.returncode != 0
        assert f"bucket {bucket!r} is not empty" in refused.output and "forceDestroy" in refused.output
        assert "aws:s3:Bucket (tutorial-bucket)" in refused.output  # the engine attributes the error to the bucket
        # The objects stay, every version of them.
        versions = s3.list_object_versions(Bucket=bucket)["Versions"]
        assert sorted(v["Key"] for v in versions) == ["keep.png", "keep.png"]
        # Everything else is gone; the engine's state now holds just the bucket (and its parents).
        assert _leftovers(aws, created) == [f"aws:s3/bucket:Bucket {bucket}"]
        assert [(r["type"], r["id"]) for r in deployed.custom_resources()] == [("aws:s3/bucket:Bucket", bucket)]
        # Refused again while it holds objects; once emptied, destroy finishes and the emulator is clean.
        assert deployed.stack.destroy(check=False).returncode != 0
        for v in s3.list_object_versions(Bucket=bucket)["Versions"]:
            s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        deployed.stack.destroy()
        assert deployed.resources(fresh=True) == []
        assert _leftovers(aws, created) == []
    finally:
        deployed.stack.remove()


def test_force_destroy_removes_versions_and_delete_markers_and_leaves_the_emulator_clean(endpoint, aws):
    deployed = deploy_tutorial(endpoint, "e2e-destroy-force", delivery="cloudtrail", forceDestroy="true")
    try:
        s3 = aws("s3")
        s3.put_object(Bucket=deployed.bucket, Key="a.png", Body=b"1")
        s3.put_object(Bucket=deployed.bucket, Key="a.png", Body=b"2")
        s3.delete_object(Bucket=deployed.bucket, Key="a.png")  # a delete marker on top of two versions
        created = deployed.custom_resources()
        assert len(_leftovers(aws, created)) == 7  # 2 buckets, 2 roles, the state machine, the queue, the rule
        down = deployed.stack.destroy()
        recorded = [r for r in deployed.resources() if not r["type"].startswith("pulumi:providers:")]
        assert f"- {len(recorded)} deleted" in down.stdout  # every resource the engine recorded (providers uncounted)
        assert deployed.resources(fresh=True) == []
        assert _leftovers(aws, created) == []
    finally:
        deployed.stack.remove()
