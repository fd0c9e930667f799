"""The TypeScript consumer (examples/typescript), after `pulumi package add`, deployed with `pulumi up` and used:
an upload under incoming/ starts an execution of the state machine it was given.

Substitutes used: LocalStack 4.8.1 for AWS (started without Docker by the e2e session fixture), reached through the
STAND-IN aws provider's LocalStack backend; the REAL Pulumi CLI v3.274.1 and its Node.js language host drive
`pulumi up` and `destroy` (`package add` runs with the real CLI v3.188.0, see consumers.py). The state machine is
created with boto3 beforehand, as a user's existing one would be.
"""
from __future__ import annotations

import json

import pytest

from proof.stack import ThrowawayStack
from tests.e2e.conftest import aws, endpoint, localstack  # noqa: F401  (the e2e session fixtures)
from tests.e2e.helpers import REGION, Executions, eventbridge_input_for, unique_key

pytestmark = pytest.mark.emulator

PASS_MACHINE = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "states.amazonaws.com"}}]}


def test_up_then_an_upload_starts_an_execution(consumer, endpoint, aws):  # noqa: F811
    program = consumer("typescript")
    role = aws("iam").create_role(RoleName=unique_key("ts-machine-role"), AssumeRolePolicyDocument=json.dumps(TRUST))
    machine = aws("stepfunctions").create_state_machine(
        name=unique_key("ts-consumer"), definition=json.dumps(PASS_MACHINE), roleArn=role["Role"]["Arn"])
    arn = machine["stateMachineArn"]
    with ThrowawayStack(program, backend="localstack", endpoint=endpoint,
                        config={"aws:region": REGION, "stateMachineArn": arn}) as st:
        try:
            st.up()
            bucket = st.outputs()["bucketName"]
            assert st.resource("s3-triggered-state-machine:index:S3TriggeredStateMachine", "uploads")
            key, other = unique_key(prefix="incoming/"), unique_key(prefix="elsewhere/")
            aws("s3").put_object(Bucket=bucket, Key=other, Body=b"not under the prefix")
            aws("s3").put_object(Bucket=bucket, Key=key, Body=b"hello from TypeScript")
            executions = Executions(aws("stepfunctions"), arn)
            started = executions.wait(eventbridge_input_for(bucket, key))
            assert len(started) == 1, f"one execution for {key}, got {len(started)}"
            assert not executions.matching(eventbridge_input_for(bucket, other)), "a key outside incoming/ started one"
        finally:
            _empty(aws("s3"), st.outputs().get("bucketName"))   # the example keeps users' objects on destroy
            st.destroy()


def _empty(s3, bucket) -> None:
    if not bucket:
        return
    versions = s3.list_object_versions(Bucket=bucket)
    objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
               for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])]
    if objects:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
