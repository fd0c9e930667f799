"""EventBridge pattern matching for unit tests, by a maintained matcher (moto's), not one written here."""

from __future__ import annotations

import json

from moto.events.models import EventPattern


def matches(pattern: dict | str, event: dict) -> bool:
    raw = pattern if isinstance(pattern, str) else json.dumps(pattern)
    return EventPattern.load(raw).matches_event(event)
