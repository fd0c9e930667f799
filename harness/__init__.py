"""Deprecated alias of `proof` for one release: `python -m harness preview` still runs the offline gate, and
`harness.stack`, `harness.gate`, `harness.localstack`, `harness.demo` still import (as `proof.stack`, `proof.gate`,
`proof.emulator`, `proof.demo`), with a DeprecationWarning. Use `python -m proof gate` and `proof.*` instead."""

import importlib
import sys
import warnings

warnings.warn("the `harness` package is now `proof` (python -m proof gate ..., proof.stack, proof.emulator); "
              "`harness` is an alias for one release", DeprecationWarning, stacklevel=2)

for _old, _new in (("stack", "stack"), ("gate", "gate"), ("localstack", "emulator"), ("demo", "demo"),
                   ("cli", "cli")):
    sys.modules[f"{__name__}.{_old}"] = importlib.import_module(f"proof.{_new}")
