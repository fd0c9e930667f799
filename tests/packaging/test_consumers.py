"""Each consumer example (examples/typescript, examples/yaml, examples/go) through `pulumi package add`, then
`pulumi preview --policy-pack policies`: it passes, the policy pack judges the component's children, and the
children are registered under the component.

Substitutes used: the REAL Pulumi CLI v3.274.1 for the preview (scripts/pulumi, a throwaway stack), with the Node.js,
Go and YAML language hosts built from the Go module proxy; `pulumi package add` runs with the real CLI v3.188.0 built
for that command (tests/packaging/consumers.py says why); the STAND-IN aws provider, offline backend (no AWS account):
nothing leaves the machine except npm's and the Go proxy's downloads.
"""
from __future__ import annotations

import json

import pytest

from proof.stack import POLICIES, ThrowawayStack

from .consumers import LANGUAGES, TYPE_TOKEN

REGION = "us-east-2"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:123456789012:stateMachine:Helloworld"
#: The children the examples' arguments (EventBridge delivery, alarms on) must produce, by type.
CHILDREN = {
    "aws:s3/bucket:Bucket", "aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget", "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy", "aws:sqs/queue:Queue", "aws:cloudwatch/metricAlarm:MetricAlarm",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_package_add_then_preview_with_the_policy_pack(language, consumer):
    program = consumer(language)
    assert (program / "Pulumi.yaml").read_text().count("s3-triggered-state-machine:") >= 1, \
        "`pulumi package add` did not add the package to Pulumi.yaml"
    with ThrowawayStack(program, config={"aws:region": REGION, "stateMachineArn": STATE_MACHINE_ARN},
                        env={"PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "1"}) as st:
        result = st.pulumi("preview", "--json", "--policy-pack", str(POLICIES), check=False)
    assert result.returncode == 0, result.output[-5000:]
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    created = [e["resourcePreEvent"]["metadata"]["new"] for e in events if "resourcePreEvent" in e]
    components = [r for r in created if r["type"] == TYPE_TOKEN]
    assert len(components) == 1, [r["type"] for r in created]
    component_urn = components[0]["urn"]
    children = [r for r in created if r["parent"] == component_urn]
    assert CHILDREN <= {r["type"] for r in children}, sorted({r["type"] for r in children})
    assert all(r["urn"].split("::")[-1].startswith("uploads-") for r in children)
    assert not [r for r in created if r["type"].startswith("aws:") and r["parent"] != component_urn], \
        "every aws resource is the component's child"
    judged = {e["policyAnalyzeSummaryEvent"]["resourceUrn"] for e in events if "policyAnalyzeSummaryEvent" in e}
    assert {r["urn"] for r in children} <= judged, "the policy pack did not judge every child"
    assert any("policyAnalyzeStackSummaryEvent" in e for e in events)
    assert not [e for e in events if "policyEvent" in e and e["policyEvent"].get("enforcementLevel") == "mandatory"]
