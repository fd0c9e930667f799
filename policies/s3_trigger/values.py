"""Plain values out of policy props, with Pulumi's unknowns kept visible and never raised.

pulumi_policy hands policies its props wrapped in proxies that raise ``UnknownValueError`` the
moment an unknown value (a preview-time placeholder) is touched; the pack then turns the whole
policy into an ADVISORY "can't run policy during preview" note, which silently downgrades a
mandatory policy. Every policy in this pack therefore first converts its props with
:func:`plain`, which copies the proxies through their public ``Mapping``/``Sequence`` interface and
keeps each unknown as its sentinel string (the one the error carries), so the policy itself decides
what an unknown means.

Everything here is total: it accepts any value and never raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The engine's sentinels for values that are not known during preview (pulumi_policy/proxy.py).
UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"
UNKNOWN_ASSET = "030794c1-ac77-496b-92df-f27374a8bd58"
UNKNOWN_ARCHIVE = "e48ece36-62e2-4504-bad9-02848725956a"
UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"
UNKNOWN_SENTINELS = frozenset({UNKNOWN_BOOLEAN, UNKNOWN_NUMBER, UNKNOWN_STRING, UNKNOWN_ARRAY,
                               UNKNOWN_ASSET, UNKNOWN_ARCHIVE, UNKNOWN_OBJECT})

#: Nesting deeper than this is cut off (replaced by None) so hostile props cannot exhaust the stack.
MAX_DEPTH = 100


def is_unknown(value: Any) -> bool:
    """True if ``value`` is one of the engine's unknown sentinels (an ``Output`` not known in preview)."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def contains_unknown(value: Any, _depth: int = 0) -> bool:
    """True if ``value`` or anything nested in it (or inside a JSON string) is unknown."""
    if _depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        if value in UNKNOWN_SENTINELS:
            return True
        return any(s in value for s in UNKNOWN_SENTINELS) if len(value) >= 36 else False
    if isinstance(value, Mapping):
        return any(contains_unknown(v, _depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v, _depth + 1) for v in value)
    return False


def _item(container: Any, key: Any) -> Any:
    """``container[key]``, with an unknown value returned as its sentinel rather than raised.

    pulumi_policy's proxies are read-only ``Mapping``/``Sequence`` views that raise
    ``pulumi_policy.proxy.UnknownValueError`` when an item is an unknown; the error carries the
    sentinel (``unknown_type_sentinel``), so the proxies are read through their public behaviour
    only. Any other failure to read an item is an unknown object."""
    try:
        return container[key]
    except Exception as exc:  # noqa: BLE001 - UnknownValueError, or an exotic container
        sentinel = getattr(exc, "unknown_type_sentinel", None)
        return sentinel if is_unknown(sentinel) else UNKNOWN_OBJECT


def plain(value: Any, _depth: int = 0) -> Any:
    """A deep copy of ``value`` as plain dict/list/str/number/bool/None.

    pulumi_policy proxies are unwrapped, secrets are revealed (policies need to read them), unknown
    sentinels stay as they are, anything exotic (assets, archives, custom objects) becomes ``None``.
    """
    if _depth > MAX_DEPTH:
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    secret_value = getattr(value, "value", None) if type(value).__name__ == "Secret" else None
    if secret_value is not None:
        return plain(secret_value, _depth + 1)
    if isinstance(value, Mapping):
        out = {}
        try:
            keys = list(iter(value))
        except Exception:  # noqa: BLE001
            return None
        for key in keys:
            out[str(key)] = plain(_item(value, key), _depth + 1)
        return out
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        out_list = []
        try:
            n = len(value)
        except Exception:  # noqa: BLE001
            return None
        for i in range(n):
            out_list.append(plain(_item(value, i), _depth + 1))
        return out_list
    return None


def get(value: Any, *path: Any, default: Any = None) -> Any:
    """``value[p0][p1]...`` for dict keys and list indices; ``default`` when any step is missing or
    the wrong type. An unknown met on the way is returned as is (so callers can tell)."""
    cur = value
    for step in path:
        if is_unknown(cur):
            return cur
        if isinstance(cur, Mapping) and not isinstance(step, int):
            if step not in cur:
                return default
            cur = cur[step]
        elif isinstance(cur, list) and isinstance(step, int):
            if not -len(cur) <= step < len(cur):
                return default
            cur = cur[step]
        else:
            return default
    return cur


def as_str(value: Any) -> str | None:
    """A known, non-empty string or None."""
    if isinstance(value, str) and value and not is_unknown(value):
        return value
    return None


def as_list(value: Any) -> list | None:
    """``value`` if it is a list, else None (unknowns and scalars are not lists)."""
    return value if isinstance(value, list) else None


def as_bool(value: Any, default: bool | None = None) -> bool | None:
    """Booleans as the engine may send them: True/False, "true"/"false"; else ``default``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


@dataclass(frozen=True)
class JsonDoc:
    """The result of reading a property that holds a JSON document (as a string or as an object).

    Exactly one of: ``unknown`` (not known in preview), ``error`` (malformed, with the reason),
    ``missing`` (absent/empty), or a parsed ``value``."""
    value: Any = None
    unknown: bool = False
    error: str | None = None
    missing: bool = False

    @property
    def ok(self) -> bool:
        return not (self.unknown or self.error or self.missing)


def read_json(value: Any, *, max_chars: int = 1_000_000) -> JsonDoc:
    """Parse a JSON-document property. Never raises."""
    value = plain(value)
    if value is None or value == "":
        return JsonDoc(missing=True)
    if is_unknown(value):
        return JsonDoc(unknown=True)
    if isinstance(value, str):
        if contains_unknown(value):
            return JsonDoc(unknown=True)
        if len(value) > max_chars:
            return JsonDoc(error=f"the document is {len(value)} characters long, more than {max_chars}")
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError) as exc:
            return JsonDoc(error=f"not valid JSON ({exc})")
        return JsonDoc(value=parsed)
    if isinstance(value, (dict, list)):
        if contains_unknown(value):
            return JsonDoc(value=value, unknown=True)
        return JsonDoc(value=value)
    return JsonDoc(error=f"expected a JSON document, got {type(value).__name__} {value!r:.80}")


def short(value: Any, limit: int = 120) -> str:
    """A compact, bounded repr for messages."""
    if is_unknown(value):
        return "<unknown during preview>"
    try:
        text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
