"""Destroy behaves like the AWS provider: it refuses a bucket that still holds objects (versions included: the
buckets are versioned) unless forceDestroy, keeps its objects, deletes everything else; otherwise it leaves the
emulator clean."""
from __future__ import annotations

import json

import pytest

from harness.emulator import DestroyError, destroy

from .helpers import deploy_tutorial

pytestmark = pytest.mark.emulator


def _leftovers(aws, deployed) -> list[str]:
    """Which of the stack's created resources still exist in the emulator."""
    s3, iam, sfn, sqs, events = aws("s3"), aws("iam"), aws("stepfunctions"), aws("sqs"), aws("events")
    buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    roles = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    machines = {m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    queues = set(sqs.list_queues().get("QueueUrls", []))
    rules = {r["Name"] for r in events.list_rules()["Rules"]}
    left = []
    for r in deployed.backend.records:
        exists = {
            "aws:s3/bucket:Bucket": lambda: r.id in buckets,
            "aws:iam/role:Role": lambda: r.id in roles,
            "aws:sfn/stateMachine:StateMachine": lambda: r.id in machines,
            "aws:sqs/queue:Queue": lambda: any(u.endswith("/" + r.outputs["name"]) for u in queues),
            "aws:cloudwatch/eventRule:EventRule": lambda: r.id in rules,
        }.get(r.type)
        if exists and exists():
            left.append(f"{r.type} {r.id}")
    return left


def test_a_bucket_with_objects_and_no_force_destroy_is_refused_and_keeps_its_objects(endpoint, state_dir, aws):
    deployed = deploy_tutorial(endpoint, state_dir, "e2e-destroy", delivery="eventbridge")  # forceDestroy: false
    s3 = aws("s3")
    bucket = deployed.bucket
    s3.put_object(Bucket=bucket, Key="keep.png", Body=b"v1")
    s3.put_object(Bucket=bucket, Key="keep.png", Body=b"v2")  # two versions
    with pytest.raises(DestroyError) as refused:
        destroy(deployed.state_path, echo=None)
    message = str(refused.value)
    assert bucket in message and "forceDestroy" in message and "not empty" in message
    assert [r["type"] for r, _ in refused.value.failures] == ["aws:s3/bucket:Bucket"]
    # The objects stay, every version of them.
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert sorted(v["Key"] for v in versions) == ["keep.png", "keep.png"]
    # Everything else is gone; the state file now records just the bucket.
    assert _leftovers(aws, deployed) == [f"aws:s3/bucket:Bucket {bucket}"]
    remaining = json.loads(deployed.state_path.read_text())["resources"]
    assert [(r["type"], r["id"]) for r in remaining] == [("aws:s3/bucket:Bucket", bucket)]
    # Refused again while it holds objects; once emptied, destroy finishes and the emulator is clean.
    with pytest.raises(DestroyError):
        destroy(deployed.state_path, echo=None)
    for v in s3.list_object_versions(Bucket=bucket)["Versions"]:
        s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    destroy(deployed.state_path, echo=None)
    assert not deployed.state_path.exists()
    assert _leftovers(aws, deployed) == []


def test_force_destroy_removes_versions_and_delete_markers_and_leaves_the_emulator_clean(endpoint, state_dir, aws):
    deployed = deploy_tutorial(endpoint, state_dir, "e2e-destroy-force", delivery="cloudtrail", forceDestroy="true")
    s3 = aws("s3")
    s3.put_object(Bucket=deployed.bucket, Key="a.png", Body=b"1")
    s3.put_object(Bucket=deployed.bucket, Key="a.png", Body=b"2")
    s3.delete_object(Bucket=deployed.bucket, Key="a.png")  # a delete marker on top of two versions
    assert len(_leftovers(aws, deployed)) == 7  # 2 buckets, 2 roles, the state machine, the queue, the rule
    deleted = destroy(deployed.state_path, echo=None)
    assert len(deleted) == len(deployed.backend.records)
    # Reverse order of creation: the first created is the last deleted.
    assert [r["urn"] for r in deleted] == [r.urn for r in reversed(deployed.backend.records)]
    assert _leftovers(aws, deployed) == []
    assert not deployed.state_path.exists()
