"""The pack process itself: starts as the gate starts it, answers GetAnalyzerInfo with every policy and
its level, and reports violations over gRPC (a small test client; the gate will replace it)."""

import json
import os
import pathlib
import queue
import subprocess
import sys
import threading

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policies.s3_trigger import POLICY_NAMES
from policy_testkit import (T_RULE, TUTORIAL_CONSOLE_PATTERN, U, reference_stack)

ROOT = pathlib.Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


def _struct(d):
    s = struct_pb2.Struct()
    s.update(json.loads(json.dumps(d)))
    return s


@pytest.fixture(scope="module")
def stub():
    env = dict(os.environ, PULUMI_CONFIG=json.dumps({"aws:region": "us-east-2"}))
    proc = subprocess.Popen([str(PYTHON if PYTHON.exists() else sys.executable), "-u", "__main__.py"],
                            cwd=ROOT / "policies", stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        port = int(lines.get(timeout=30).strip())
    except Exception:  # pragma: no cover
        proc.kill()
        raise AssertionError(f"pack did not print a port: {proc.stderr.read().decode()[:2000]}")
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=15)
    yield analyzer_pb2_grpc.AnalyzerStub(channel)
    channel.close()
    proc.terminate()
    proc.wait(timeout=10)


def _stack_request(stack):
    req = analyzer_pb2.AnalyzeStackRequest()
    for i in stack.items:
        r = req.resources.add(type=i["type"], urn=i["urn"], name=i["name"], properties=_struct(i["props"]))
        r.dependencies.extend(i["deps"])
        r.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws", urn="urn:pulumi:dev::proj::pulumi:providers:aws::default", name="default",
            properties=_struct({"region": i["region"]} if i["region"] else {})))
        for k, v in i["propdeps"].items():
            r.propertyDependencies[k].urns.extend(v)
    return req


def test_get_analyzer_info_lists_every_policy_with_its_level(stub):
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "s3-triggered-state-machine"
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert set(levels) == set(POLICY_NAMES)
    advisory = {"s3-trigger-copy-object", "s3-trigger-dead-letter-queue", "s3-trigger-trail-cost", "s3-trigger-trail-quota",
                "s3-trigger-target-after-permissions", "s3-trigger-undecided-in-preview"}
    for name, level in levels.items():
        assert level == (analyzer_pb2.ADVISORY if name in advisory else analyzer_pb2.MANDATORY), name
    schema = {p.name: p for p in info.policies}["s3-trigger-trail-logs-bucket"].configSchema
    assert "bucketsLoggedElsewhere" in schema.properties


def test_reference_stack_is_clean_over_grpc(stub):
    resp = stub.AnalyzeStack(_stack_request(reference_stack(False)))
    assert list(resp.diagnostics) == [], [d.message for d in resp.diagnostics]
    # In preview the role's permission is computed from the state machine's ARN: never refused, said so.
    resp = stub.AnalyzeStack(_stack_request(reference_stack(True)))
    assert resp.diagnostics and all(d.policyName == "s3-trigger-undecided-in-preview"
                                    and d.enforcementLevel == analyzer_pb2.ADVISORY for d in resp.diagnostics), \
        [(d.policyName, d.message) for d in resp.diagnostics]


def test_tutorial_console_rule_is_a_mandatory_violation_over_grpc(stub):
    s = reference_stack()
    s.get("rule")["props"]["eventPattern"] = TUTORIAL_CONSOLE_PATTERN
    resp = stub.AnalyzeStack(_stack_request(s))
    d = [d for d in resp.diagnostics if d.policyName == "s3-trigger-object-created-events"]
    assert d and d[0].enforcementLevel == analyzer_pb2.MANDATORY
    assert "CompleteMultipartUpload" in d[0].message and d[0].urn.endswith("::rule")
    resp = stub.Analyze(analyzer_pb2.AnalyzeRequest(type=T_RULE, urn="urn:pulumi:dev::p::" + T_RULE + "::rule",
                                                    name="rule", properties=_struct({"eventPattern": TUTORIAL_CONSOLE_PATTERN})))
    assert [d.policyName for d in resp.diagnostics] == ["s3-trigger-copy-object"]
    assert resp.diagnostics[0].enforcementLevel == analyzer_pb2.ADVISORY


def test_unknowns_never_become_advisory_cant_run_notes(stub):
    s = reference_stack(preview=True)
    s.get("rule")["props"]["eventPattern"] = U  # from no resource of the stack: the answer is open, said so
    s.get("rule")["propdeps"], s.get("rule")["deps"] = {}, []
    for i in s.items:
        if i["name"] == "trail":
            i["props"]["advancedEventSelectors"] = U
    resp = stub.AnalyzeStack(_stack_request(s))
    msgs = [(d.policyName, d.enforcementLevel, d.message) for d in resp.diagnostics]
    assert not any("can't run policy" in m for _, _, m in msgs), msgs
    # Never a refusal for what preview cannot see, never silent: the advisory names the unknown input.
    assert not any(lvl == analyzer_pb2.MANDATORY for _, lvl, _ in msgs), msgs
    assert any(n == "s3-trigger-undecided-in-preview" and lvl == analyzer_pb2.ADVISORY
               and "cannot verify during preview" in m and "its eventPattern is unknown" in m
               for n, lvl, m in msgs), msgs
    resp = stub.Analyze(analyzer_pb2.AnalyzeRequest(type=T_RULE, urn="u", name="rule",
                                                    properties=_struct({"eventPattern": U})))
    assert not resp.diagnostics
    assert sorted(n.policy_name for n in resp.not_applicable) == ["s3-trigger-copy-object",
                                                                  "s3-trigger-object-created-events"]


def test_configure_and_config_reaches_the_policy(stub):
    s = reference_stack()
    s.items = [i for i in s.items if i["type"] != "aws:cloudtrail/trail:Trail"]
    resp = stub.AnalyzeStack(_stack_request(s))
    assert any(d.policyName == "s3-trigger-trail-logs-bucket" for d in resp.diagnostics)
    cfg = analyzer_pb2.ConfigureAnalyzerRequest()
    cfg.policyConfig["s3-trigger-trail-logs-bucket"].CopyFrom(analyzer_pb2.PolicyConfig(
        enforcementLevel=analyzer_pb2.MANDATORY, properties=_struct({"bucketsLoggedElsewhere": ["username-*"]})))
    stub.Configure(cfg)
    try:
        resp = stub.AnalyzeStack(_stack_request(s))
        assert not any(d.policyName == "s3-trigger-trail-logs-bucket" for d in resp.diagnostics)
    finally:
        stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest())
