"""Start and stop LocalStack 4.8.1 without Docker, on a free 127.0.0.1 port.

LocalStack runs from a virtualenv of its own (default ``<repo>/.venv-localstack``, installed from
``proof/localstack-requirements.txt``) because it pins boto3/botocore versions the project does not want.
The process gets a temporary FILESYSTEM_ROOT, listens on 127.0.0.1 only (``GATEWAY_SERVER=hypercorn``; the
default server binds every interface), and is stopped with SIGTERM, then SIGKILL after a grace period.

    with LocalStack() as ls:
        boto3.client("s3", endpoint_url=ls.endpoint, ...)

Used by the e2e pytest session fixture, ``python -m proof demo`` and anyone who wants an emulator by hand
(``python -m proof.emulator`` starts one and prints its endpoint until Ctrl-C).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = REPO_ROOT / ".venv-localstack"
REQUIREMENTS = Path(__file__).resolve().parent / "localstack-requirements.txt"
# What the component and the tutorial stack need: S3, EventBridge, Step Functions, IAM, STS, SQS (the DLQ), and
# CloudWatch and SNS (the alarms and their topic). CloudTrail is deliberately absent: LocalStack's community edition
# answers 501 for it.
DEFAULT_SERVICES = ("s3", "events", "stepfunctions", "iam", "sts", "sqs", "cloudwatch", "sns", "kms", "logs")
READY_STATES = ("available", "running")


class LocalStackError(RuntimeError):
    """LocalStack could not be started (missing venv, early exit, timeout); the message carries the log tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


class LocalStack:
    """One LocalStack process. A context manager; ``start()``/``stop()`` for fixtures that manage it themselves."""

    def __init__(
        self,
        venv: str | os.PathLike | None = None,
        *,
        port: int | None = None,
        services: tuple[str, ...] | list[str] = DEFAULT_SERVICES,
        startup_timeout: float = 90.0,
        stop_grace: float = 3.0,
        keep_root: bool = False,
        extra_env: dict[str, str] | None = None,
    ):
        self.venv = Path(venv or os.environ.get("LOCALSTACK_VENV") or DEFAULT_VENV)
        self.port = port
        self.services = tuple(services)
        self.startup_timeout = startup_timeout
        self.stop_grace = stop_grace
        self.keep_root = keep_root
        self.extra_env = dict(extra_env or {})
        self.process: subprocess.Popen | None = None
        self.root: Path | None = None
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------------ properties
    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def endpoint(self) -> str:
        if self.port is None:
            raise LocalStackError("LocalStack has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    # ------------------------------------------------------------------ lifecycle
    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LOCALSTACK_", "GATEWAY_"))}
        env.pop("SERVICES", None)
        env.pop("PYTHONPATH", None)  # the project's path must not leak into LocalStack's interpreter
        env.update(
            GATEWAY_LISTEN=f"127.0.0.1:{self.port}",
            GATEWAY_SERVER="hypercorn",  # the default (twisted) binds every interface
            DNS_ADDRESS="0",
            SERVICES=",".join(self.services),
            EAGER_SERVICE_LOADING="1",
            DISABLE_EVENTS="1",
            SKIP_SSL_CERT_DOWNLOAD="1",
            FILESYSTEM_ROOT=str(self.root),
            LOCALSTACK_HOST=f"localhost.localstack.cloud:{self.port}",
            PERSISTENCE="0",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> "LocalStack":
        if self.process is not None:
            raise LocalStackError("LocalStack already started")
        if not self.python.exists():
            raise LocalStackError(
                f"no LocalStack virtualenv at {self.venv} (expected {self.python}). Create it with:\n"
                f"  python3.11 -m venv {self.venv} && {self.venv}/bin/pip install -r {REQUIREMENTS}\n"
                "or run scripts/demo, which does this for you."
            )
        if self.port is None:
            self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="localstack-root-"))
        self.log_path = self.root / "localstack.log"
        log = open(self.log_path, "wb")
        t0 = time.monotonic()
        try:
            self.process = subprocess.Popen(
                [str(self.python), "-m", "localstack.runtime.main"],
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                start_new_session=True,  # its own process group, so stop() can reach any child it spawns
            )
        finally:
            log.close()
        try:
            self._wait_ready(t0)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def health(self) -> dict:
        with urllib.request.urlopen(f"{self.endpoint}/_localstack/health", timeout=2) as resp:
            return json.loads(resp.read())

    def _wait_ready(self, t0: float) -> None:
        deadline = t0 + self.startup_timeout
        last = None
        while True:
            code = self.process.poll()
            if code is not None:
                raise LocalStackError(
                    f"LocalStack exited with code {code} before it was ready (port {self.port}, "
                    f"venv {self.venv}). Log tail ({self.log_path}):\n{_tail(self.log_path)}"
                )
            try:
                last = self.health().get("services", {})
                missing = [s for s in self.services if last.get(s) not in READY_STATES]
                if not missing:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                missing = list(self.services)
            if time.monotonic() > deadline:
                raise LocalStackError(
                    f"LocalStack on port {self.port} not ready after {self.startup_timeout:.0f}s; "
                    f"services not available: {', '.join(missing)} (health: {last}). "
                    f"Log tail ({self.log_path}):\n{_tail(self.log_path)}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM, wait ``stop_grace`` seconds, then SIGKILL the process group. Removes the temp root."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=self.stop_grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the group we created in start(): pgid == pid
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)
        if self.root is not None and not self.keep_root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m proof.emulator [--port N] [--venv DIR]``: start one and wait for Ctrl-C."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m proof.emulator", description=main.__doc__)
    p.add_argument("--port", type=int)
    p.add_argument("--venv")
    args = p.parse_args(argv)
    ls = LocalStack(args.venv, port=args.port)
    ls.start()
    print(f"LocalStack {ls.endpoint} ready in {ls.startup_seconds:.1f}s (pid {ls.pid}); Ctrl-C stops it", flush=True)
    try:
        while ls.process and ls.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        ls.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
