"""Editing the directory one agency or officer at a time (the administrators' pages).

The importer (``loader``) takes whole files; this module changes single rows with the
checks a person typing needs, every problem reported at once, by field. Reminders,
escalations and scopes read the directory when they run, so a change counts at once.
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..addresses import valid_address
from ..errors import UserError
from ..models import Agency, AgencyAlias, AgencyGroup, FocalOfficer
from ..models.directory import AGENCY_TYPES, LEVELS
from ..reading.header import TWO_TIER_FROM
from ..reading.text import clean, fold
from .store import subtree_ids

OFFICER_LANGUAGES = ("vi", "en")


class DirectoryEditError(UserError):
    """Problems with an edit: {field name: Vietnamese message}, and the same in English; as a
    whole, the messages one after the other."""

    def __init__(self, errors_vi: dict[str, str], errors_en: dict[str, str]):
        super().__init__(" ".join(errors_vi.values()), " ".join(errors_en.values()))
        self.errors_vi, self.errors_en = errors_vi, errors_en


class _Problems:
    def __init__(self) -> None:
        self.vi: dict[str, str] = {}
        self.en: dict[str, str] = {}

    def add(self, name: str, vi: str, en: str) -> None:
        self.vi.setdefault(name, vi)
        self.en.setdefault(name, en)

    def raise_any(self) -> None:
        if self.vi:
            raise DirectoryEditError(self.vi, self.en)


@dataclass
class AgencyFields:
    """What the agency form edits. ``group_ids`` None leaves memberships as they are."""

    name: str
    type: str
    level: str
    aliases: list[str] = field(default_factory=list)
    head_name: str | None = None
    head_title: str | None = None
    head_email: str | None = None
    head_phone: str | None = None
    leader_name: str | None = None
    leader_title: str | None = None
    leader_email: str | None = None
    office_id: int | None = None
    successor_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    group_ids: list[int] | None = None


def _text(value: str | None, limit: int) -> str | None:
    value = clean(value)
    return value[:limit] if value else None


def _email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def _taken_names(session: Session, parent_id: int | None, except_id: int | None) -> dict[str, str]:
    """Folded names and aliases of the other agencies under the same parent → their name."""
    query = select(Agency).where(Agency.parent_id.is_(None) if parent_id is None
                                 else Agency.parent_id == parent_id).options(selectinload(Agency.aliases))
    taken: dict[str, str] = {}
    for other in session.scalars(query):
        if other.id == except_id:
            continue
        taken.setdefault(fold(other.name), other.name)
        for alias in other.aliases:
            taken.setdefault(alias.alias_folded, other.name)
    return taken


def office_choices(session: Session, agency: Agency) -> list[Agency]:
    """A committee's office is one of the bodies under it."""
    return list(session.scalars(select(Agency).where(Agency.parent_id == agency.id).order_by(Agency.name)))


def group_choices(session: Session, parent: Agency | None) -> list[AgencyGroup]:
    """Collective groups an agency under ``parent`` may belong to: those of the committees
    above it ("Các Sở, ban, ngành tỉnh" of its province ...)."""
    if parent is None:
        return []
    scopes = [parent.id, *(a.id for a in parent.ancestors())]
    return list(session.scalars(select(AgencyGroup).where(AgencyGroup.scope_id.in_(scopes))
                                .order_by(AgencyGroup.scope_id, AgencyGroup.name)))


def successor_choices(session: Session, agency: Agency) -> list[Agency]:
    """Agencies of the same tree (the same top committee): mergers stay within a province."""
    root = ([agency, *agency.ancestors()])[-1]
    ids = subtree_ids(session, root.id) - {agency.id}
    if not ids:
        return []
    return list(session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.level, Agency.name)))


def _validate(session: Session, agency: Agency | None, parent_id: int | None,
              data: AgencyFields) -> tuple[str, list[str], _Problems]:
    problems = _Problems()
    name = _text(data.name, 300) or ""
    if not name:
        problems.add("name", "Nhập tên cơ quan.", "Enter the agency's name.")
    taken = _taken_names(session, parent_id, agency.id if agency else None)
    if name and fold(name) in taken:
        problems.add("name", f"Đã có cơ quan “{taken[fold(name)]}” cùng tên trong cùng cơ quan cấp trên.",
                     f"“{taken[fold(name)]}” under the same parent already has this name.")
    aliases: list[str] = []
    seen = {fold(name)}
    for raw in data.aliases:
        alias = _text(raw, 300)
        if not alias or fold(alias) in seen:
            continue
        seen.add(fold(alias))
        if fold(alias) in taken:
            problems.add("aliases", f"Tên gọi khác “{alias}” đã là tên của “{taken[fold(alias)]}” "
                                    "trong cùng cơ quan cấp trên.",
                         f"The alias “{alias}” already names “{taken[fold(alias)]}”.")
        aliases.append(alias)
    if data.type not in AGENCY_TYPES:
        problems.add("type", "Chọn loại cơ quan.", "Choose the agency type.")
    if data.level not in LEVELS:
        problems.add("level", "Chọn cấp hành chính.", "Choose the level.")
    for key in ("head_email", "leader_email"):
        value = _email(getattr(data, key))
        if value and not valid_address(value):
            problems.add(key, f"Địa chỉ thư “{value}” không hợp lệ.", f"“{value}” is not an e-mail address.")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        problems.add("valid_to", "Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động.",
                     "The end date must not be before the start date.")
    if agency is not None:
        if data.office_id is not None and data.office_id not in {a.id for a in office_choices(session, agency)}:
            problems.add("office_id", "Văn phòng phải là một cơ quan trực thuộc.",
                         "The office must be one of the agency's own bodies.")
        if data.successor_id is not None and \
                data.successor_id not in {a.id for a in successor_choices(session, agency)}:
            problems.add("successor_id", "Cơ quan kế thừa phải là một cơ quan khác trong cùng hệ thống.",
                         "The successor must be another agency of the same tree.")
        elif data.successor_id is not None and _leads_back(session.get(Agency, data.successor_id), agency):
            problems.add("successor_id", "Cơ quan kế thừa không thể là cơ quan đã hợp nhất vào cơ quan này.",
                         "The successor cannot be an agency that was itself merged into this one.")
        if data.successor_id is not None and data.valid_to is None:
            # The successor takes the work over the day after: without that day new plans
            # could not tell whether they name the old body or the new one.
            problems.add("valid_to", "Nhập ngày ngừng hoạt động: cơ quan kế thừa nhận nhiệm vụ từ ngày hôm sau.",
                         "Enter the end date: the successor takes the work over the next day.")
    elif data.office_id is not None or data.successor_id is not None:
        # A new agency has no bodies under it yet, and nothing to hand over.
        problems.add("name", "Cơ quan mới chưa thể có văn phòng hay cơ quan kế thừa.",
                     "A new agency cannot have an office or a successor yet.")
    return name, aliases, problems


def _apply(session: Session, agency: Agency, name: str, aliases: list[str], data: AgencyFields) -> None:
    agency.name, agency.name_folded = name, fold(name)
    agency.type, agency.level = data.type, data.level
    agency.head_name, agency.head_title = _text(data.head_name, 200), _text(data.head_title, 100)
    agency.head_email, agency.head_phone = _email(data.head_email), _text(data.head_phone, 40)
    agency.leader_name, agency.leader_title = _text(data.leader_name, 200), _text(data.leader_title, 100)
    agency.leader_email = _email(data.leader_email)
    agency.valid_from, agency.valid_to = data.valid_from, data.valid_to
    agency.office = session.get(Agency, data.office_id) if data.office_id else None
    agency.successor = session.get(Agency, data.successor_id) if data.successor_id else None
    wanted = {fold(a): a for a in aliases}
    for row in list(agency.aliases):
        if row.alias_folded not in wanted:
            agency.aliases.remove(row)
        else:
            row.alias = wanted.pop(row.alias_folded)       # a new spelling of the same alias
    for folded, alias in wanted.items():
        agency.aliases.append(AgencyAlias(alias=alias, alias_folded=folded))
    if data.group_ids is not None:
        allowed = {g.id: g for g in group_choices(session, agency.parent)}
        chosen = [allowed[i] for i in data.group_ids if i in allowed]
        # Memberships in groups the form did not offer (scoped elsewhere) stay untouched.
        agency.groups = [g for g in agency.groups if g.id not in allowed] + chosen


def add_agency(session: Session, parent: Agency | None, data: AgencyFields) -> Agency:
    name, aliases, problems = _validate(session, None, parent.id if parent else None, data)
    problems.raise_any()
    agency = Agency(name=name, name_folded=fold(name), type=data.type, level=data.level, parent=parent)
    session.add(agency)
    _apply(session, agency, name, aliases, data)
    session.flush()
    return agency


def _leads_back(start: Agency | None, agency: Agency) -> bool:
    """Whether following successors from ``start`` reaches ``agency`` (a merger cycle)."""
    seen: set[int] = set()
    node = start
    while node is not None and node.id not in seen:
        if node.id == agency.id:
            return True
        seen.add(node.id)
        node = node.successor
    return False


def merge_agency(session: Session, old: Agency, new: Agency, on: date = TWO_TIER_FROM) -> None:
    """``old`` was merged into ``new`` on ``on``: it existed until the day before and
    ``new`` holds its work from ``on`` (plans issued from then on naming ``old`` are
    offered ``new``; older plans keep ``old``). Refuses merging an agency into itself, into
    an agency merged into it (a cycle), into one that no longer exists on ``on``, or on a
    day before ``old`` existed. Mergers may cross provinces (the 2025 reform merged
    provinces). The caller commits."""
    problems = _Problems()
    if old.id == new.id:
        problems.add("successor_id", f"Không thể hợp nhất “{old.name}” vào chính nó.",
                     f"“{old.name}” cannot be merged into itself.")
    elif _leads_back(new, old):
        problems.add("successor_id", f"“{new.name}” đã hợp nhất vào “{old.name}” (trực tiếp hoặc qua cơ quan "
                                     "khác); không thể hợp nhất ngược lại.",
                     f"“{new.name}” was merged into “{old.name}” (directly or through another agency); "
                     "the merger cannot go back.")
    if new.valid_to is not None and new.valid_to < on:
        problems.add("successor_id", f"“{new.name}” không còn hoạt động từ ngày {new.valid_to:%d/%m/%Y}.",
                     f"“{new.name}” ceased to exist on {new.valid_to:%d/%m/%Y}.")
    if old.valid_from is not None and on <= old.valid_from:
        problems.add("valid_to", f"Ngày hợp nhất phải sau ngày “{old.name}” bắt đầu hoạt động "
                                 f"({old.valid_from:%d/%m/%Y}).",
                     f"The merger must come after “{old.name}” began ({old.valid_from:%d/%m/%Y}).")
    problems.raise_any()
    old.successor = new
    old.valid_to = on - timedelta(days=1)
    session.flush()


def update_agency(session: Session, agency: Agency, data: AgencyFields) -> None:
    name, aliases, problems = _validate(session, agency, agency.parent_id, data)
    problems.raise_any()
    _apply(session, agency, name, aliases, data)
    session.flush()


def save_officer(session: Session, agency: Agency, officer: FocalOfficer | None, name: str,
                 email: str | None, phone: str | None = None, language: str = "vi",
                 active: bool = True) -> FocalOfficer:
    """Add a focal officer to ``agency`` (``officer`` None) or change one."""
    problems = _Problems()
    name = _text(name, 200) or ""
    email = _email(email)
    if not name:
        problems.add("name", "Nhập họ tên cán bộ.", "Enter the officer's name.")
    if email and not valid_address(email):
        problems.add("email", f"Địa chỉ thư “{email}” không hợp lệ.", f"“{email}” is not an e-mail address.")
    elif email and any(o.email and o.email.lower() == email and o is not officer for o in agency.officers):
        problems.add("email", "Cơ quan đã có cán bộ đầu mối với địa chỉ thư này.",
                     "The agency already has a focal officer with this address.")
    if language not in OFFICER_LANGUAGES:
        problems.add("language", "Chọn ngôn ngữ thư.", "Choose the language of the e-mails.")
    problems.raise_any()
    if officer is None:
        officer = FocalOfficer(agency=agency)
        session.add(officer)
    officer.name, officer.email, officer.phone = name, email, _text(phone, 40)
    officer.language, officer.active = language, active
    session.flush()
    return officer


def tree_rows(session: Session, search: str | None = None, root_id: int | None = None) -> list[tuple[int, int]]:
    """(agency id, depth) in tree order — each committee followed by the bodies under it —
    limited to the subtree of ``root_id`` and to names or aliases containing ``search``
    (diacritics and case ignored)."""
    rows = session.execute(select(Agency.id, Agency.parent_id, Agency.name)).all()
    known = {r.id for r in rows}
    children: dict[int | None, list] = {}
    for row in sorted(rows, key=lambda r: fold(r.name)):
        # A dangling parent would hide the row: show it at the top instead.
        children.setdefault(row.parent_id if row.parent_id in known else None, []).append(row.id)
    matched = None
    if search and fold(search):
        needle = fold(search)
        matched = set(session.scalars(
            select(Agency.id).outerjoin(AgencyAlias, AgencyAlias.agency_id == Agency.id)
            .where(or_(Agency.name_folded.contains(needle, autoescape=True),
                       AgencyAlias.alias_folded.contains(needle, autoescape=True)))))
    order: list[tuple[int, int]] = []
    seen: set[int] = set()
    if root_id is not None and root_id not in known:
        return []
    stack = [(i, 0) for i in reversed([root_id] if root_id is not None else children.get(None, []))]
    while stack:
        agency_id, depth = stack.pop()
        if agency_id in seen:             # a cycle in bad data
            continue
        seen.add(agency_id)
        if matched is None or agency_id in matched:
            order.append((agency_id, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(agency_id, [])))
    return order


def committee_tree(session: Session) -> list[tuple[Agency, int]]:
    """The People's Committees in tree order with their depth among committees (province,
    then its districts and communes under it), for choosing one in a form."""
    committees = {a.id: a for a in session.scalars(select(Agency).where(Agency.type.like("ubnd%")))}
    rows = []
    for agency_id, _depth in tree_rows(session):
        agency = committees.get(agency_id)
        if agency is None:
            continue
        depth, parent = 0, agency.parent
        seen = {agency.id}
        while parent is not None and parent.id not in seen:
            seen.add(parent.id)
            depth += parent.id in committees
            parent = parent.parent
        rows.append((agency, depth))
    return rows


def tree_roots(session: Session) -> list[Agency]:
    """The committees a listing can be narrowed to: top-level bodies and the province and
    district People's Committees."""
    return list(session.scalars(select(Agency).where(
        or_(Agency.parent_id.is_(None), Agency.type.in_(("ubnd_tinh", "ubnd_huyen"))))
        .order_by(Agency.level, Agency.name)))


__all__ = ["AgencyFields", "DirectoryEditError", "OFFICER_LANGUAGES", "add_agency", "committee_tree", "group_choices",
           "merge_agency", "office_choices", "save_officer", "successor_choices", "tree_roots", "tree_rows",
           "update_agency"]
