"""Backfill's default cutoff skips no object (issue 18, point 5), through the command's own entry point.

Substitute used: fake S3, SQS and Step Functions clients in place of boto3's (the command's `Clients` factory is
replaced); no AWS, no emulator. The clock is real: the default cutoff is the moment the backfill starts.
"""

import datetime as dt
import io
import json

import pytest

from s3_triggered_state_machine.operations import cli
from s3_triggered_state_machine.operations.backfill import default_cutoff

ARN = "arn:aws:states:us-east-2:123456789012:stateMachine:Helloworld"
QUEUE = "https://sqs.us-east-2.amazonaws.com/123456789012/uploads-dlq"
NOW = dt.datetime.now(dt.timezone.utc)
#: The dead-letter queue was created, then the role policy, the queue policy and the target: an object uploaded in
#: between was neither delivered by the trigger nor, with the old default cutoff (the queue's creation), backfilled.
QUEUE_CREATED = NOW - dt.timedelta(minutes=10)
OBJECTS = [("in/before-deploy.txt", QUEUE_CREATED - dt.timedelta(minutes=5)),
           ("in/between-queue-and-target.txt", QUEUE_CREATED + dt.timedelta(seconds=20)),
           ("in/after-live.txt", NOW - dt.timedelta(minutes=1))]


class FakeS3:
    def head_bucket(self, Bucket):
        return {}

    def get_paginator(self, name):
        assert name == "list_object_versions"
        return self

    def paginate(self, **kwargs):
        yield {"Versions": [{"Key": k, "VersionId": f"v-{i}", "IsLatest": True, "LastModified": t, "Size": 1,
                             "ETag": '"e"'} for i, (k, t) in enumerate(OBJECTS)]}


class FakeSqs:
    def get_queue_attributes(self, QueueUrl, AttributeNames):
        return {"Attributes": {"CreatedTimestamp": str(int(QUEUE_CREATED.timestamp()))}}


class FakeSfn:
    def __init__(self):
        self.started = []

    def describe_state_machine(self, stateMachineArn):
        return {"type": "STANDARD"}

    def start_execution(self, stateMachineArn, name, input):
        self.started.append(json.loads(input))
        return {"executionArn": f"{ARN}:{name}"}


@pytest.fixture
def fakes(monkeypatch):
    made = {"s3": FakeS3(), "sqs": FakeSqs(), "stepfunctions": FakeSfn(), "events": None}
    monkeypatch.setattr(cli, "Clients", lambda region, endpoint: made.__getitem__)
    return made


def test_the_default_cutoff_skips_no_object_present_when_the_backfill_starts(fakes):
    outputs = {"bucketName": "b", "stateMachineArn": ARN, "deadLetterQueueUrl": QUEUE, "inputFormat": "object",
               "delivery": "eventbridge"}
    out, err = io.StringIO(), io.StringIO()
    rc = cli.main(["backfill", "--stack-outputs", "-"], stdin=io.StringIO(json.dumps(outputs)), stdout=out,
                  stderr=err)
    assert rc == 0, out.getvalue() + err.getvalue()
    started = sorted(doc["key"] for doc in fakes["stepfunctions"].started)
    assert started == sorted(key for key, _ in OBJECTS), out.getvalue()
    assert "0 at or after the cutoff" in out.getvalue()


def test_before_narrows_the_window_and_says_what_it_left_out(fakes):
    outputs = {"bucketName": "b", "stateMachineArn": ARN, "inputFormat": "object", "delivery": "eventbridge"}
    out = io.StringIO()
    rc = cli.main(["backfill", "--stack-outputs", "-", "--before", (NOW - dt.timedelta(minutes=2)).isoformat()],
                  stdin=io.StringIO(json.dumps(outputs)), stdout=out, stderr=io.StringIO())
    assert rc == 0
    assert sorted(doc["key"] for doc in fakes["stepfunctions"].started) == sorted(k for k, _ in OBJECTS[:2])
    assert "1 at or after the cutoff" in out.getvalue()


def test_the_default_cutoff_is_the_given_moment_in_utc():
    fixed = dt.datetime(2025, 1, 31, 12, tzinfo=dt.timezone.utc)
    assert default_cutoff(fixed) == fixed
