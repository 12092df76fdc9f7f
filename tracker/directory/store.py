"""Build the pure ``DirectoryIndex`` from the database, and find agencies by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Agency, AgencyGroup
from .resolve import DirectoryEntry, DirectoryIndex, GroupEntry


def load_index(session: Session) -> DirectoryIndex:
    agencies = session.scalars(select(Agency).options(selectinload(Agency.aliases))).all()
    parents = {a.id: a.parent_id for a in agencies}
    entries = []
    for agency in agencies:
        chain: list[int] = []
        node = agency.parent_id
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        entries.append(DirectoryEntry(
            id=agency.id, name=agency.name,
            names=(agency.name, *(a.alias for a in agency.aliases)),
            type=agency.type, level=agency.level, parent_id=agency.parent_id,
            ancestors=tuple(chain), valid_from=agency.valid_from, valid_to=agency.valid_to,
            successor_id=agency.successor_id))
    groups = [GroupEntry(id=g.id, key=g.key, scope_id=g.scope_id, name=g.name,
                         member_ids=tuple(m.id for m in g.members))
              for g in session.scalars(select(AgencyGroup).options(selectinload(AgencyGroup.members)))]
    return DirectoryIndex(entries, groups)


def find_agencies(session: Session, name: str) -> list[Agency]:
    """Agencies a person may mean by ``name`` (CLI filters): exact or loose match."""
    index = load_index(session)
    ids = [e.id for e in index.match(name)]
    found = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """The agency and every agency under it (parent links), however deep."""
    children: dict[int | None, list[int]] = {}
    for agency_id, parent_id in session.execute(select(Agency.id, Agency.parent_id)):
        children.setdefault(parent_id, []).append(agency_id)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found
