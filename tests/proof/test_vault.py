"""The Vault stand-in (proof/vault.py) that the tests' throwaway stacks keep their data key in.

Substitutes used: the stand-in itself (an HTTP server speaking the two calls of Vault's transit API that
gocloud.dev's hashivault keeper makes), and the real Pulumi CLI (scripts/pulumi) for the stack that uses it. No Vault
runs here. The API shapes are Vault's (developer.hashicorp.com/vault/api-docs/secret/transit, "Encrypt data":
`"plaintext" (string: <required>) - Specifies base64 encoded plaintext to be encoded`, answered with
`"data": {"ciphertext": "vault:v1:..."}`), as gocloud.dev/secrets/hashivault v0.46.0 reads them (vault.go:
`out.Data["plaintext"].(string)`, `secret.Data["ciphertext"].(string)`).
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from proof.stack import StackError, ThrowawayStack
from proof.vault import VaultStandIn

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "tests" / "corpus" / "ct-good-basic-writeonly"


def _put(vault: VaultStandIn, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(vault.address + path, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture()
def vault():
    stand_in = VaultStandIn()
    yield stand_in
    stand_in.close()


def test_what_it_encrypts_it_decrypts(vault):
    plaintext = base64.b64encode(os.urandom(32)).decode()
    status, answer = _put(vault, "/v1/transit/encrypt/k", {"plaintext": plaintext})
    assert status == 200 and answer["data"]["ciphertext"].startswith("vault:v1:")
    status, back = _put(vault, "/v1/transit/decrypt/k", {"ciphertext": answer["data"]["ciphertext"]})
    assert (status, back["data"]["plaintext"]) == (200, plaintext)


@pytest.mark.parametrize("path, body", [
    ("/v1/transit/decrypt/k", {"ciphertext": "vault:v2:AAAA"}),      # not one of its own
    ("/v1/transit/encrypt/k", {"plaintext": "not base64!"}),
    ("/v1/transit/encrypt/k", {}),
    ("/v1/transit/rewrap/k", {"ciphertext": "vault:v1:AAAA"}),       # an operation the keeper never calls
    ("/v1/transit/encrypt/", {"plaintext": "AAAA"}),
    ("/v1/secret/data/k", {"plaintext": "AAAA"}),
])
def test_anything_else_is_an_error_in_vault_s_shape(vault, path, body):
    status, answer = _put(vault, path, body)
    assert status == 400 and answer["errors"] and "vault stand-in" in answer["errors"][0]


def test_a_throwaway_stack_keeps_its_key_there_and_its_secrets_round_trip(vault, monkeypatch):
    for name, value in vault.env().items():
        monkeypatch.setenv(name, value)
    with ThrowawayStack(PROGRAM) as st:
        settings = yaml.safe_load(st.config_file.read_text())
        assert settings["secretsprovider"] == "hashivault://s3tsm-throwaway-stacks"
        assert "encryptionsalt" not in settings and settings["encryptedkey"]
        st.pulumi("config", "set", "--secret", "token", "hunter2")
        stored = yaml.safe_load(st.config_file.read_text())["config"]
        assert "hunter2" not in json.dumps(stored)           # AES-GCM under the data key, as with any provider
        assert st.pulumi("config", "get", "token").stdout.strip() == "hunter2"
        # The engine really asks the vault for the key, on every command that loads the stack: with none answering,
        # a preview fails before it runs the program.
        with pytest.raises(StackError, match="get stack secrets manager.*transit/decrypt"):
            st.preview(check=True, env={"VAULT_ADDR": "http://127.0.0.1:9"})


def test_without_the_setting_a_stack_gets_the_passphrase_provider_as_users_do(monkeypatch):
    monkeypatch.delenv("S3TSM_SECRETS_PROVIDER", raising=False)
    with ThrowawayStack(PROGRAM) as st:
        settings = yaml.safe_load(st.config_file.read_text())
        assert settings.get("encryptionsalt", "").startswith("v1:") and "secretsprovider" not in settings
