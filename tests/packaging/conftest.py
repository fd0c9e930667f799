"""Fixtures for the component package and its consumer examples: one prepared copy of each example per session
(`pulumi package add` and the language's set-up are the slow part), in a temporary directory."""
from __future__ import annotations

import pytest

from .consumers import prepare


@pytest.fixture(scope="session")
def consumer(tmp_path_factory):
    """`consumer("typescript")`: the prepared copy of examples/typescript (package added, dependencies in place)."""
    prepared: dict = {}

    def get(language: str):
        if language not in prepared:
            prepared[language] = prepare(language, tmp_path_factory.mktemp(f"example-{language}"))
        return prepared[language]

    return get
