"""People as pages and messages show them: by name and office, never by e-mail address.

History rows, extension requests and decisions record who acted by address (it is what
signs in); a reader wants "Kim Minh Thành (Sở Tư pháp tỉnh Sóc Trăng)". An address nobody
in the accounts or the directory has is shown as it is, the only thing known.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Account, FocalOfficer


def _known(session: Session, emails: Iterable[str | None]) -> dict[str, tuple[str, str]]:
    """Lower-cased address → (name, office) for the addresses an account or officer has."""
    wanted = {e.strip().lower() for e in emails if e and e.strip()}
    found: dict[str, tuple[str, str]] = {}
    if not wanted:
        return found
    for account in session.scalars(select(Account).where(func.lower(Account.email).in_(wanted))
                                   .options(selectinload(Account.committee))):
        found[account.email.lower()] = (account.name, account.committee.name if account.committee else "")
    rest = wanted - set(found)
    if rest:
        for officer in session.scalars(select(FocalOfficer).where(func.lower(FocalOfficer.email).in_(rest))
                                       .options(selectinload(FocalOfficer.agency)).order_by(FocalOfficer.id)):
            # one officer may serve several agencies: the first is named
            found.setdefault((officer.email or "").lower(),
                             (officer.name, officer.agency.name if officer.agency else ""))
    return found


def names_of(session: Session, emails: Iterable[str | None]) -> dict[str, str]:
    """Lower-cased address → "Name (office)" for every address given, in two queries."""
    given = [e for e in emails if e and e.strip()]
    known = _known(session, given)
    return {e.strip().lower(): _label(*known[e.strip().lower()]) if e.strip().lower() in known else e.strip()
            for e in given}


def who(session: Session, email: str | None, office: str = "") -> str:
    """One person; ``office`` when the caller knows better (the agency an officer acted for)."""
    if not email or not email.strip():
        return ""
    name, known_office = _known(session, [email]).get(email.strip().lower(), (email.strip(), ""))
    return _label(name, office or known_office)


def _label(name: str, office: str) -> str:
    name = " ".join((name or "").split())
    return f"{name} ({office})" if office and name else name or office


__all__ = ["names_of", "who"]
