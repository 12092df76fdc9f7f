"""What counts as an e-mail address: one rule for the directory that stores focal officers'
addresses and the outbox that sends to them (a bare address, no display name, at most 254
characters, a dotted domain; nothing a header could be split on)."""

from __future__ import annotations

import re
from email.utils import parseaddr

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def valid_address(address: str | None) -> bool:
    return address is not None and len(address) <= 254 and bool(_ADDRESS.match(address))


def bare_address(sender: str | None) -> str | None:
    """The address of "Name <addr>" or of a bare "addr" (the SMTP envelope sender, an
    ORGANIZER); None when it holds no valid one."""
    address = parseaddr(sender or "")[1]
    return address if valid_address(address) else None
