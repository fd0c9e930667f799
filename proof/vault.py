"""A STAND-IN for HashiCorp Vault's transit secrets engine, so that the tests' throwaway stacks skip the passphrase
secrets provider's key derivation. No Vault runs here, and none is needed: nothing secret is kept in these stacks.

Why. With a file (diy) backend the engine's default secrets provider is the passphrase provider. It derives its key
with 1,000,000 PBKDF2-SHA256 iterations (sdk/go/common/resource/config/crypt.go) on every command that loads a stack,
even with an empty passphrase: 0.2 CPU-s per command, and the suite runs some 650 of them (benchmarks/README.md §6).
The engine's `hashivault://KEY` provider (gocloud.dev/secrets/hashivault, built into every Pulumi CLI) keeps the
stack's data key wrapped by Vault's transit API instead, and unwraps it with one HTTP request per command.

What it serves, on 127.0.0.1 (the two calls gocloud.dev's keeper makes, through Vault's Go client):

    PUT /v1/transit/encrypt/KEY  {"plaintext": BASE64}           -> {"data": {"ciphertext": "vault:v1:BASE64"}}
    PUT /v1/transit/decrypt/KEY  {"ciphertext": "vault:v1:..."}  -> {"data": {"plaintext": BASE64}}

The "ciphertext" is the plaintext behind Vault's prefix: it protects nothing. The engine still encrypts each secret
value with AES-256-GCM under the data key, as it does for any cloud secrets provider. A request for any other path,
or a ciphertext this server did not make, gets Vault's error shape and a 400, so a change in how the engine calls
Vault fails loudly instead of passing.

Used by the tests only (tests/conftest.py starts one per worker and sets ``VAULT_ADDR``, ``VAULT_TOKEN`` and
``S3TSM_SECRETS_PROVIDER``, which `proof.stack.ThrowawayStack` passes to `pulumi stack init --secrets-provider`).
The demo, CI's previews, the benchmarks and users' stacks keep the passphrase provider.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "vault:v1:"
KEY = "s3tsm-throwaway-stacks"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # Vault's Go client keeps its connection alive

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            request = json.loads(body or b"{}")
            status, answer = 200, {"data": self._answer(self.path, request)}
        except (ValueError, KeyError, TypeError, binascii.Error) as e:
            status, answer = 400, {"errors": [f"vault stand-in (proof/vault.py): {e}"]}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_PUT

    @staticmethod
    def _answer(path: str, request: dict) -> dict:
        operation, _, key = path.removeprefix("/v1/transit/").partition("/")
        if not path.startswith("/v1/transit/") or operation not in ("encrypt", "decrypt") or not key or "/" in key:
            raise ValueError(f"no such path {path!r}: this stand-in serves /v1/transit/encrypt/KEY and /decrypt/KEY")
        if operation == "encrypt":
            base64.b64decode(request["plaintext"], validate=True)
            return {"ciphertext": PREFIX + request["plaintext"]}
        ciphertext = request["ciphertext"]
        if not ciphertext.startswith(PREFIX):
            raise ValueError(f"ciphertext {ciphertext[:20]!r}... was not made by this stand-in")
        base64.b64decode(ciphertext[len(PREFIX):], validate=True)
        return {"plaintext": ciphertext[len(PREFIX):]}

    def log_message(self, *_args) -> None:  # quiet: one request per Pulumi command
        pass


class VaultStandIn:
    """A transit API on 127.0.0.1 (a free port), in a daemon thread, until `close()`."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="vault-stand-in", daemon=True).start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict:
        """What the engine (VAULT_ADDR, VAULT_TOKEN) and ThrowawayStack (S3TSM_SECRETS_PROVIDER) read."""
        return {"VAULT_ADDR": self.address, "VAULT_TOKEN": "stand-in", "S3TSM_SECRETS_PROVIDER": f"hashivault://{KEY}"}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
