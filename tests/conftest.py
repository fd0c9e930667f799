"""Suite-wide settings.

hypothesis is imported here, at collection, rather than lazily by its pytest plugin at session end: on CPython 3.11
a compile (pytest's assertion rewriting) after many Pulumi mock runs fails with "AST constructor recursion depth
mismatch" (a CPython 3.11 bug), so nothing is compiled late.

Markers by directory: every test under tests/engine, tests/corpus, tests/packaging, tests/proof and tests/release is
`engine` (the real Pulumi CLI); every test under tests/e2e is `emulator` (LocalStack). `bash scripts/test --fast`
leaves out `engine`, `emulator` and `slow`.

Secrets: each worker starts the Vault stand-in (proof/vault.py), and every throwaway stack (proof.stack) keeps its
data key there (`hashivault://`) instead of behind the passphrase provider's 1,000,000-iteration PBKDF2, which costs
0.2 CPU-s on each of the suite's ~650 Pulumi commands. Stacks made with `pulumi stack init` directly keep the
passphrase provider, as users' stacks do.
"""

import pathlib

import hypothesis  # noqa: F401  (see module docstring)
import pytest

_TESTS = pathlib.Path(__file__).resolve().parent


@pytest.fixture(scope="session", autouse=True)
def _throwaway_stacks_keep_their_key_in_the_vault_stand_in():
    from proof.vault import VaultStandIn  # noqa: PLC0415

    vault = VaultStandIn()
    try:
        with pytest.MonkeyPatch.context() as mp:   # as tests/e2e/conftest.py's `credentials`
            for name, value in vault.env().items():
                mp.setenv(name, value)
            yield vault
    finally:
        vault.close()


#: Directories whose every test drives the real Pulumi CLI (scripts/pulumi): marked `engine`, so that the fast subset
#: (`bash scripts/test --fast`: pure functions, Pulumi mocks, the pack's own process) can leave them out. A module
#: elsewhere that runs the CLI says so itself with `pytestmark = pytest.mark.engine`.
_ENGINE_DIRS = ("engine", "corpus", "packaging", "proof", "release")


#: Under pytest-xdist (`scripts/test`), each module is one group: it runs whole on one worker, so its module fixtures
#: (a deployment, the corpus's verdicts) are made once and its tests keep their order. Modules that run the
#: checkout's component-package/ through the engine share one group: `pulumi package add` and `package get-schema`
#: install its dependencies into component-package/venv and cache its schema beside it, which two workers must not
#: do at once. (The scheduler below does the grouping: pytest-xdist 3.8's own `--dist loadgroup` renames node ids
#: through an attribute pytest 9.2 no longer reads, so its xdist_group marks have no effect.)
_SHARED_GROUPS = {("packaging",): "component-package"}


def _group(parts: tuple) -> str:
    for prefix, group in _SHARED_GROUPS.items():
        if parts[:len(prefix)] == prefix:
            return group
    return "/".join(parts)


#: The longest groups start first (workers take groups in collection order), so none of them is left to run alone at
#: the end: the new-user test (builds and installs the release), the corpora, the component package's consumers.
_LONG_FIRST = ("release/test_new_user.py", "corpus/test_corpus.py", "corpus/test_wild.py", "component-package")


def _parts(item) -> tuple:
    return pathlib.Path(str(item.fspath)).resolve().relative_to(_TESTS).parts


def pytest_itemcollected(item):
    parts = _parts(item)
    if parts and parts[0] in _ENGINE_DIRS:
        item.add_marker(pytest.mark.engine)
    if parts and parts[0] == "e2e":
        item.add_marker(pytest.mark.emulator)


def pytest_collection_modifyitems(config, items):
    rank = {group: i for i, group in enumerate(_LONG_FIRST)}
    items.sort(key=lambda item: rank.get(_group(_parts(item)), len(rank)))   # stable: the rest keep their order


def _group_of_nodeid(nodeid: str) -> str:
    path = pathlib.PurePosixPath(nodeid.split("::", 1)[0])
    parts = path.parts[1:] if path.parts[:1] == ("tests",) else path.parts
    return _group(tuple(parts))


def pytest_xdist_make_scheduler(config, log):
    """Groups of whole modules (see _SHARED_GROUPS), handed to workers in collection order, longest first."""
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415  (only under pytest-xdist)

    class ModuleGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group_of_nodeid(nodeid)

    return ModuleGroups(config, log)
