"""Suite-wide settings.

hypothesis is imported here, at collection, rather than lazily by its pytest plugin at session end: on CPython 3.11
a compile (pytest's assertion rewriting) after many Pulumi mock runs fails with "AST constructor recursion depth
mismatch" (a CPython 3.11 bug), so nothing is compiled late.
"""

import hypothesis  # noqa: F401  (see module docstring)
