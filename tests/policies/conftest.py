"""Fixtures for the policy pack's tests. Puts the repo root on sys.path (so ``policies.s3_trigger``
imports however pytest is started) and pins the stack's aws:region the way the engine passes it."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _stack_region(monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:region": "us-east-2"}))
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
