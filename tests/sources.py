"""Parsing Python source in a test, out of reach of CPython 3.11's "AST constructor recursion depth mismatch".

CPython 3.11 keeps the AST constructor's depth counter in the interpreter's AST state, not in the thread
(python/cpython#106905, pytest-dev/pytest#10763). The likely way it goes wrong here: the collector runs Python code
in the middle of a conversion (finalizers, weakref callbacks), another thread takes the GIL and converts too, and the
first conversion ends with `SystemError: AST constructor recursion depth mismatch`. Seen here on 3.11.7, twice, in a
pytest-xdist worker (3 workers, fresh-clone CI), on the largest file the public-API test parses; a fresh thread did
not help, so the cause is not the calling thread's own state. :func:`parse` runs `ast.parse` with the collector off,
so the conversion runs no Python code and cannot interleave, and parses once more if the error still comes (the
result depends only on the source; the error is spurious).
"""

from __future__ import annotations

import ast
import gc


def parse(source: str) -> ast.Module:
    """`ast.parse(source)` with the garbage collector off, retried once on the spurious SystemError."""
    for attempt in (1, 2):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return ast.parse(source)
        except SystemError as error:
            if attempt == 2 or "recursion depth mismatch" not in str(error):
                raise
        finally:
            if enabled:
                gc.enable()
    raise AssertionError("unreachable")
