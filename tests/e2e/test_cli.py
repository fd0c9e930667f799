"""`scripts/pulumi up` / `destroy` / `preview` as a user runs them against LocalStack: progress per resource, the
stack outputs at the end, config applied, and clear errors (no LocalStack answering; a resource type the stand-in does
not serve, with destroy removing what was created before it).

Substitute for AWS: the real Pulumi CLI (scripts/pulumi, driven through proof.stack.ThrowawayStack, so the state and
stack config live in a temp dir) + the stand-in aws provider's LocalStack backend + LocalStack 4.8.1.
"""
from __future__ import annotations

import pytest

from proof.stack import ThrowawayStack

from .helpers import REPO, deploy_tutorial

pytestmark = pytest.mark.emulator


def test_up_prints_progress_and_outputs_then_destroy_cleans_up(endpoint, aws):
    deployed = deploy_tutorial(endpoint, "e2e-cli", delivery="eventbridge", **{"aws:region": "eu-west-1"})
    try:
        up = deployed.up.stdout
        assert " +  aws:s3:Bucket tutorial-bucket created" in up
        assert " +  aws:cloudwatch:EventTarget tutorial-target created" in up
        outputs = up[up.index("Outputs:"):]
        assert 'ruleName          : "tutorial-e2e-cli-rule"' in outputs
        assert ':states:eu-west-1:000000000000:stateMachine:Helloworld-' in outputs  # config aws:region applied
        bucket = deployed.resource("aws:s3/bucket:Bucket", "tutorial-bucket")["id"]
        assert bucket == deployed.bucket
        assert aws("s3", "eu-west-1").get_bucket_location(Bucket=bucket)["LocationConstraint"] == "eu-west-1"
        down = deployed.stack.destroy()
        assert " -  aws:s3:Bucket tutorial-bucket deleted" in down.stdout
        assert deployed.resources(fresh=True) == []
        assert bucket not in {b["Name"] for b in aws("s3", "eu-west-1").list_buckets()["Buckets"]}
    finally:
        deployed.stack.remove()


def test_preview_creates_nothing(endpoint, aws):
    before = {b["Name"] for b in aws("s3").list_buckets()["Buckets"]}
    with ThrowawayStack(REPO, stack="e2e-cli-preview", backend="localstack", endpoint=endpoint,
                        config={"delivery": "eventbridge"}) as st:
        result = st.preview(check=True)
        assert "to create" in result.stdout, result.stdout
        assert st.resources() == []
    assert {b["Name"] for b in aws("s3").list_buckets()["Buckets"]} == before


def test_up_without_an_emulator_fails_naming_the_endpoint():
    with ThrowawayStack(REPO, stack="e2e-cli-none", backend="localstack", endpoint="http://127.0.0.1:9",
                        config={"delivery": "eventbridge"}) as st:
        result = st.up(check=False)
    assert result.returncode != 0
    assert "no LocalStack answers at AWS_ENDPOINT_URL=http://127.0.0.1:9" in result.output


UNSUPPORTED_PROGRAM = '''
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("first", force_destroy=True)
aws.lambda_.Function("unsupported", role="arn:aws:iam::000000000000:role/r", handler="h", runtime="python3.12",
                     opts=pulumi.ResourceOptions(depends_on=[bucket]))
'''


def test_an_unsupported_resource_type_fails_up_naming_it_and_destroy_removes_what_was_created(tmp_path, endpoint, aws):
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: unsupported\nruntime: python\nconfig:\n  aws:region:\n"
                                         "    value: us-east-2\n")
    (program / "__main__.py").write_text(UNSUPPORTED_PROGRAM)
    with ThrowawayStack(program, stack="e2e-unsupported", backend="localstack", endpoint=endpoint) as st:
        up = st.up(check=False)
        assert up.returncode != 0
        assert "aws:lambda/function:Function" in up.output and "not served" in up.output
        created = [r for r in st.resources() if r["type"].startswith("aws:")]
        assert [r["type"] for r in created] == ["aws:s3/bucket:Bucket"]  # created before the failure
        bucket = created[0]["id"]
        aws("s3").head_bucket(Bucket=bucket)
        st.destroy()
    assert bucket not in {b["Name"] for b in aws("s3").list_buckets()["Buckets"]}
