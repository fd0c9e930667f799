"""Parsing Python source in a test, out of reach of CPython 3.11's "AST constructor recursion depth mismatch".

CPython 3.11 checks the AST constructor's depth against the calling thread's recursion counter, which can be left
off balance after enough asyncio work in that thread (python/cpython#106905, pytest-dev/pytest#10763); then
`ast.parse` raises `SystemError: AST constructor recursion depth mismatch`. Seen here on 3.11.7 in a pytest-xdist
worker that had run many Pulumi mock programs before a module that parses source (and, at collection, by pytest's
assertion rewriting, hence the early `import hypothesis` in tests/conftest.py). A new thread starts with a counter of
its own, so :func:`parse` parses there.
"""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor


def parse(source: str) -> ast.Module:
    """`ast.parse(source)`, in a fresh thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(ast.parse, source).result()
