"""Keep endpoint keys, tokens and workspace ids out of printed output and logs."""
from __future__ import annotations

import re

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_KEY_FIELDS = re.compile(
    r"""(?P<name>["']?(?:primary_?key|secondary_?key|access_?token|api_?key|key|token|password|secret|"""
    r"""client_?secret|instrumentation_?key|connection_?string)["']?\s*[:=]\s*)(?P<quote>["']?)(?P<value>[^"'\s,}]+)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<name>(?:Bearer|Basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})")
MASK = "****"


def mask_id(value: str | None) -> str:
    """``'12345678-…'``: enough to tell two ids apart, not enough to use one."""
    if not value:
        return "(none)"
    return value[:4] + "…" if len(value) > 8 else MASK


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """``text`` with known secrets, key/token fields, bearer tokens and GUIDs masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    text = _KEY_FIELDS.sub(lambda m: f"{m['name']}{m['quote']}{MASK}", text)
    text = _BEARER.sub(lambda m: f"{m['name']}{MASK}", text)
    return _UUID.sub(lambda m: mask_id(m.group(0)), text)

