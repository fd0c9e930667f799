"""Suite-wide settings.

hypothesis is imported here, at collection, rather than lazily by its pytest plugin at session end: on CPython 3.11
a compile (pytest's assertion rewriting) after many Pulumi mock runs fails with "AST constructor recursion depth
mismatch" (a CPython 3.11 bug), so nothing is compiled late.

Markers by directory: every test under tests/engine, tests/corpus, tests/packaging, tests/proof and tests/release is
`engine` (the real Pulumi CLI); every test under tests/e2e is `emulator` (LocalStack). `bash scripts/test --fast`
leaves out `engine`, `emulator` and `slow`.
"""

import pathlib

import hypothesis  # noqa: F401  (see module docstring)
import pytest

_TESTS = pathlib.Path(__file__).resolve().parent
#: Directories whose every test drives the real Pulumi CLI (scripts/pulumi): marked `engine`, so that the fast subset
#: (`bash scripts/test --fast`: pure functions, Pulumi mocks, the pack's own process) can leave them out. A module
#: elsewhere that runs the CLI says so itself with `pytestmark = pytest.mark.engine`.
_ENGINE_DIRS = ("engine", "corpus", "packaging", "proof", "release")


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = pathlib.Path(str(item.fspath)).resolve().relative_to(_TESTS).parts
        if parts and parts[0] in _ENGINE_DIRS:
            item.add_marker(pytest.mark.engine)
        if parts and parts[0] == "e2e":
            item.add_marker(pytest.mark.emulator)
