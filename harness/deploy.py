"""``python -m harness up`` and ``python -m harness destroy``: deploy a Pulumi program to LocalStack, and remove it.

    python -m harness up [PROGRAM_DIR] --endpoint http://127.0.0.1:4566 [--stack dev] [--config delivery=eventbridge]
    python -m harness destroy [PROGRAM_DIR] [--endpoint URL] [--stack dev]

``up`` runs the real program (``__main__.py``) through ``harness.runner`` in update mode with
``harness.emulator.EmulatorBackend``: each resource is created in the emulator as it is registered, its real ids and
ARNs flow into the resources that depend on it, progress is printed per resource, and the stack outputs are printed
at the end, as ``pulumi up`` prints them. What was created is recorded, in order, in
``PROGRAM_DIR/.harness/state/<stack>.json``; ``destroy`` deletes it in reverse order, refusing (as the AWS provider
does) a bucket that still holds objects unless it has ``forceDestroy``.

Config is handled as by ``preview``: Pulumi.yaml, Pulumi.<stack>.yaml, then ``--config``. A trail is never created
(LocalStack does not emulate CloudTrail): it is validated locally and reported as "not emulated".
"""
from __future__ import annotations

import json
import logging
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional

from .cli import add_program_arguments, config_overrides
from .emulator import STATUS_NOT_EMULATED, DestroyError, EmulatorBackend, EmulatorError, destroy as destroy_state
from .runner import UNKNOWN, ConfigError, ProgramError, ProgramRun, load_stack_config, run_program

ENDPOINT_ENV = "LOCALSTACK_ENDPOINT"


class StackExists(EmulatorError):
    """``up`` was asked to deploy a stack whose state file still records resources."""


def state_path_for(program_dir, stack: str) -> Path:
    return Path(program_dir).resolve() / ".harness" / "state" / f"{stack}.json"


def check_endpoint(endpoint: str) -> None:
    """Fail early, and clearly, when nothing answers at the endpoint."""
    try:
        with urllib.request.urlopen(f"{endpoint.rstrip('/')}/_localstack/health", timeout=5) as resp:
            resp.read()
    except (urllib.error.URLError, OSError) as e:
        raise EmulatorError(f"no LocalStack answers at {endpoint} ({e}). Start one with `python -m harness.localstack`"
                            " or use `python -m harness demo`, which starts its own.") from e


def deploy(program_dir, endpoint: str, *, stack: str = "dev", config: Optional[dict[str, str]] = None,
           echo: Optional[Callable[[str], None]] = print, state_path=None) -> tuple[ProgramRun, EmulatorBackend]:
    """Deploy the program to the emulator. Returns the run (with real outputs) and the backend (its records).

    On failure the state file keeps what was created so far, so ``destroy`` can remove it."""
    state_path = Path(state_path) if state_path else state_path_for(program_dir, stack)
    if state_path.exists():
        recorded = json.loads(state_path.read_text()).get("resources", [])
        if recorded:
            raise StackExists(
                f"stack {stack!r} already has {len(recorded)} resource(s) recorded in {state_path}: run "
                f"`python -m harness destroy {program_dir} --stack {stack}` first (or delete the file if that "
                "emulator is gone).")
    project, _, _ = load_stack_config(program_dir, stack, config)
    backend = EmulatorBackend(endpoint, state_path=state_path, project=project, stack=stack, echo=echo)
    run = run_program(program_dir, stack=stack, config=config, preview=False, backend=backend)
    return run, backend


def format_outputs(outputs: dict) -> str:
    """Stack outputs the way ``pulumi up`` lists them."""
    if not outputs:
        return "Outputs: (none)"
    width = max(len(k) for k in outputs)
    lines = ["Outputs:"]
    for key in sorted(outputs):
        value = outputs[key]
        shown = "[unknown]" if value == UNKNOWN else json.dumps(value)
        lines.append(f"    {key:<{width}}: {shown}")
    return "\n".join(lines)


def summary(backend: EmulatorBackend) -> str:
    created = sum(1 for r in backend.records if r.status != STATUS_NOT_EMULATED)
    lines = ["Resources:", f"    + {created} created in the emulator"]
    skipped = backend.not_emulated
    if skipped:
        lines.append(f"    ~ {len(skipped)} NOT EMULATED (validated locally, recorded, not created): "
                     + ", ".join(f"{r.type} {r.name}" for r in skipped))
    return "\n".join(lines)


def _endpoint(args) -> Optional[str]:
    return args.endpoint or os.environ.get(ENDPOINT_ENV)


class _AlreadyReported(logging.Filter):
    """After a failed run, the SDK's abandoned futures log the same EmulatorError again at exit ("Future exception
    was never retrieved"), once per pending registration. It has been reported once; drop the repeats."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        ctx_exc = getattr(record, "msg", None)
        return not (isinstance(exc, EmulatorError) or "EmulatorError" in str(ctx_exc))


def quiet_abandoned_futures() -> None:
    logging.getLogger("asyncio").addFilter(_AlreadyReported())


def describe_failure(e: Exception) -> str:
    """One clear message for a failed `up`: the emulator's refusal alone, or the program's error with its traceback."""
    if isinstance(e, ProgramError) and isinstance(e.__cause__, EmulatorError):
        return e.args[0]
    return str(e)


def cmd_up(args) -> int:
    quiet_abandoned_futures()
    endpoint = _endpoint(args)
    if not endpoint:
        print(f"error: --endpoint URL (or ${ENDPOINT_ENV}) is required", file=sys.stderr)
        return 2
    try:
        check_endpoint(endpoint)
        print(f"Updating stack {args.stack!r} on the emulator at {endpoint}")
        run, backend = deploy(args.program_dir, endpoint, stack=args.stack, config=config_overrides(args))
    except ProgramError as e:
        print(f"error: {describe_failure(e)}", file=sys.stderr)
        print(f"Resources created so far are recorded in {state_path_for(args.program_dir, args.stack)}; "
              "`python -m harness destroy` removes them.", file=sys.stderr)
        return 1
    except (EmulatorError, ConfigError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print()
    print(format_outputs(run.outputs))
    print()
    print(summary(backend))
    print(f"State: {backend.state_path}")
    return 0


def cmd_destroy(args) -> int:
    path = state_path_for(args.program_dir, args.stack)
    if not path.exists():
        print(f"Stack {args.stack!r}: nothing to destroy ({path} does not exist).")
        return 0
    endpoint = _endpoint(args)
    try:
        if endpoint:
            check_endpoint(endpoint)
        print(f"Destroying stack {args.stack!r}")
        deleted = destroy_state(path, endpoint)
    except DestroyError as e:
        print(f"error: {e}", file=sys.stderr)
        print(f"The resources above stay recorded in {path}.", file=sys.stderr)
        return 1
    except EmulatorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"\nResources:\n    - {len(deleted)} deleted")
    return 0


def register(subparsers) -> None:
    up = subparsers.add_parser(
        "up", help="deploy the program to LocalStack (resources created via boto3)",
        description="Run the program in update mode, creating each resource in LocalStack; print the outputs.")
    add_program_arguments(up)
    up.add_argument("--endpoint", metavar="URL", help=f"LocalStack endpoint, e.g. http://127.0.0.1:4566 "
                                                      f"(default: ${ENDPOINT_ENV})")
    up.set_defaults(func=cmd_up)

    down = subparsers.add_parser("destroy", help="delete what `up` created, newest first")
    add_program_arguments(down)
    down.add_argument("--endpoint", metavar="URL",
                      help=f"LocalStack endpoint (default: ${ENDPOINT_ENV}, else the one recorded by `up`)")
    down.set_defaults(func=cmd_destroy)
