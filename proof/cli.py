"""The ``python -m proof`` command line.

Each subcommand lives in its own module, which exposes ``register(subparsers) -> None``: it adds its parser with
``subparsers.add_parser(...)``, calls ``add_program_arguments(parser)`` for the shared options, and sets
``func`` (``parser.set_defaults(func=...)``), a function of the parsed arguments returning the exit code.

The modules are listed in ``SUBCOMMAND_MODULES`` and imported in that order: ``proof.gate`` (``preview``) and
``proof.demo`` (``demo``). Deploying is the real Pulumi CLI's job (``scripts/pulumi up`` / ``destroy``). A listed module that does not exist yet is
skipped; one that exists but fails to import is an error. To add a subcommand, add its module to the list.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Optional, Sequence

SUBCOMMAND_MODULES = ("proof.gate", "proof.demo")


def parse_config_assignment(text: str) -> tuple[str, str]:
    """Parse one ``--config KEY=VALUE``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def add_program_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every subcommand that runs a Pulumi program shares: PROGRAM_DIR, --stack, --config."""
    parser.add_argument(
        "program_dir", metavar="PROGRAM_DIR", nargs="?", default=".",
        help="the Pulumi program directory (its Pulumi.yaml, Pulumi.<stack>.yaml and __main__.py); default: .",
    )
    parser.add_argument(
        "--stack", "-s", default="dev", metavar="NAME",
        help="stack name: selects Pulumi.<NAME>.yaml and appears in URNs; default: dev",
    )
    parser.add_argument(
        "--config", "-c", action="append", default=[], type=parse_config_assignment, metavar="KEY=VALUE",
        help="set a config value for this run, over Pulumi.yaml and Pulumi.<stack>.yaml (repeatable). "
             "KEY is short (delivery) for the project's namespace, or full (aws:region)",
    )


def config_overrides(args: argparse.Namespace) -> dict[str, str]:
    """The --config values of parsed arguments as a dict (later ones win)."""
    return dict(getattr(args, "config", None) or [])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m proof",
        description="Proof tooling for this Pulumi project, on Pulumi's own engine with the stand-in aws provider: "
                    "the offline policy gate (gate) and the tutorial end to end on LocalStack (demo).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # not written yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
