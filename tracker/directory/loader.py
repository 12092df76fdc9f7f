"""Import an agency directory from YAML or CSV (``flask agencies import PATH``).

Idempotent: agencies are matched by name and parent, aliases, groups and officers by
their natural keys, so importing the same file twice changes nothing. All or nothing:
a bad file raises ``DirectoryError`` and the caller rolls back.

YAML: see ``seed_plans/directory-*.yaml`` (documented in the README). CSV: one agency per
row with columns name, aliases (";"-separated), type, level, parent, member_of (";"),
valid_from, valid_to, successor, head_name, head_title, head_email, head_phone, office,
leader_name, leader_title, leader_email, officer_name, officer_email, officer_phone,
officer_language (repeat a row with the same name to add another officer).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Agency, AgencyAlias, AgencyGroup, FocalOfficer
from ..models.directory import AGENCY_TYPES, LEVELS
from ..reading.text import clean, fold, nfc

GROUP_NAMES = {
    "provincial_departments": "Các Sở, ban, ngành tỉnh",
    "district_committees": "UBND cấp huyện",
    "communes": "UBND cấp xã",
    "district_offices": "Các phòng, ban, ngành cấp huyện",
}


class DirectoryError(UserError):
    """A directory file that cannot be imported."""


@dataclass
class ImportReport:
    agencies_added: int = 0
    agencies_updated: int = 0
    aliases_added: int = 0
    groups_added: int = 0
    officers_added: int = 0

    def __str__(self) -> str:
        if not (self.agencies_added or self.agencies_updated or self.aliases_added or self.groups_added
                or self.officers_added):
            return "không thay đổi / no changes"
        updated = f" (cập nhật {self.agencies_updated})" if self.agencies_updated else ""
        return (f"cơ quan: +{self.agencies_added}{updated}, bí danh: "
                f"+{self.aliases_added}, nhóm: +{self.groups_added}, cán bộ đầu mối: +{self.officers_added}")


# What an import may change on an existing agency: only a real change counts as "updated".
_COMPARED = ("type", "level", "valid_from", "valid_to", "head_name", "head_title", "head_email", "head_phone",
             "leader_name", "leader_title", "leader_email", "parent_id", "successor_id", "office_id")


def _snapshot(agency: Agency) -> tuple:
    return tuple(getattr(agency, name) for name in _COMPARED)


def read_directory_file(path: str | Path) -> dict:
    """Parse a YAML or CSV directory into the YAML shape (a dict with groups and agencies)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryError(f"Không đọc được tệp {path}: {exc.strerror}.",
                             f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        text = nfc(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DirectoryError("Tệp danh mục phải là văn bản UTF-8.",
                             "The directory file must be UTF-8 text.") from exc
    if path.suffix.lower() == ".csv":
        return _from_csv(text)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DirectoryError(f"Tệp YAML không hợp lệ: {exc}", f"Invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("agencies"), list):
        raise DirectoryError("Tệp danh mục cần có danh sách “agencies”.",
                             "The directory file needs an “agencies” list.")
    return data


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def _from_csv(text: str) -> dict:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise DirectoryError("Tệp CSV cần có cột “name”.", "The CSV file needs a “name” column.")
    agencies: dict[str, dict] = {}
    for row in reader:
        name = clean(row.get("name"))
        if not name:
            continue
        entry = agencies.setdefault(name, {
            "name": name, "aliases": _split(row.get("aliases")), "type": row.get("type") or "khac",
            "level": row.get("level") or "province", "parent": row.get("parent") or None,
            "member_of": _split(row.get("member_of")), "valid_from": row.get("valid_from") or None,
            "valid_to": row.get("valid_to") or None, "successor": row.get("successor") or None,
            "head": {"name": row.get("head_name"), "title": row.get("head_title"),
                     "email": row.get("head_email"), "phone": row.get("head_phone")},
            "office": row.get("office") or None,
            "leader_in_charge": {"name": row.get("leader_name"), "title": row.get("leader_title"),
                                 "email": row.get("leader_email")},
            "focal_officers": []})
        if row.get("officer_name"):
            entry["focal_officers"].append({
                "name": row["officer_name"], "email": row.get("officer_email") or None,
                "phone": row.get("officer_phone") or None,
                "language": row.get("officer_language") or "vi"})
    return {"agencies": list(agencies.values()), "groups": []}


def _date(value, field: str, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise DirectoryError(f"“{name}”: {field} “{value}” không phải ngày dạng YYYY-MM-DD.",
                             f"“{name}”: {field} “{value}” is not a YYYY-MM-DD date.") from exc


def import_directory(session: Session, data: dict) -> ImportReport:
    """Write a parsed directory into the session (the caller commits or rolls back)."""
    report = ImportReport()
    entries = data.get("agencies") or []
    by_label: dict[str, Agency] = {}

    def lookup(label: str | None, context: str) -> Agency | None:
        if not label:
            return None
        agency = by_label.get(fold(label))
        if agency is None:
            raise DirectoryError(f"“{context}”: không tìm thấy cơ quan “{label}” trong tệp.",
                                 f"“{context}”: agency “{label}” is not in the file.")
        return agency

    # Pass 1: agencies (parents may come later in the file, so link them in pass 2).
    pending: list[tuple[dict, Agency]] = []
    before: dict[int, tuple] = {}        # existing agencies as they were, to count real updates
    for entry in entries:
        name = clean(entry.get("name"))
        if not name:
            raise DirectoryError("Có cơ quan không có tên (“name”).", "An agency has no “name”.")
        kind = entry.get("type") or "khac"
        level = entry.get("level") or "province"
        if kind not in AGENCY_TYPES:
            raise DirectoryError(f"“{name}”: loại “{kind}” không hợp lệ ({', '.join(AGENCY_TYPES)}).",
                                 f"“{name}”: unknown type “{kind}”.")
        if level not in LEVELS:
            raise DirectoryError(f"“{name}”: cấp “{level}” không hợp lệ ({', '.join(LEVELS)}).",
                                 f"“{name}”: unknown level “{level}”.")
        agency = session.scalar(select(Agency).where(Agency.name == name))
        if agency is None:
            agency = Agency(name=name, name_folded=fold(name), type=kind, level=level)
            session.add(agency)
            report.agencies_added += 1
        elif id(agency) not in before:
            before[id(agency)] = _snapshot(agency)
        agency.type, agency.level = kind, level
        agency.valid_from = _date(entry.get("valid_from"), "valid_from", name)
        agency.valid_to = _date(entry.get("valid_to"), "valid_to", name)
        head = entry.get("head") or {}
        agency.head_name, agency.head_title = head.get("name"), head.get("title")
        agency.head_email, agency.head_phone = head.get("email"), head.get("phone")
        leader = entry.get("leader_in_charge") or {}
        agency.leader_name, agency.leader_title = leader.get("name"), leader.get("title")
        agency.leader_email = leader.get("email")
        for label in [name, *(entry.get("aliases") or [])]:
            folded = fold(label)
            other = by_label.get(folded)
            if other is not None and other is not agency:
                raise DirectoryError(f"Tên “{label}” dùng cho hai cơ quan: “{other.name}” và “{name}”.",
                                     f"The name “{label}” is used for two agencies.")
            by_label[folded] = agency
        pending.append((entry, agency))
    session.flush()

    # Pass 2: links, aliases, officers.
    for entry, agency in pending:
        agency.parent = lookup(entry.get("parent"), agency.name)
        agency.successor = lookup(entry.get("successor"), agency.name)
        agency.office = lookup(entry.get("office"), agency.name)
        existing = {a.alias_folded for a in agency.aliases}
        for alias in entry.get("aliases") or []:
            alias = clean(alias)
            if alias and fold(alias) not in existing:
                agency.aliases.append(AgencyAlias(alias=alias, alias_folded=fold(alias)))
                existing.add(fold(alias))
                report.aliases_added += 1
        known = {(o.email or "", fold(o.name)) for o in agency.officers}
        for officer in entry.get("focal_officers") or []:
            key = (officer.get("email") or "", fold(officer.get("name")))
            if not officer.get("name") or key in known:
                continue
            agency.officers.append(FocalOfficer(
                name=clean(officer["name"]), email=officer.get("email") or None,
                phone=officer.get("phone") or None, language=officer.get("language") or "vi"))
            known.add(key)
            report.officers_added += 1
    session.flush()
    report.agencies_updated = sum(1 for _, agency in pending
                                  if id(agency) in before and _snapshot(agency) != before.pop(id(agency)))

    # Pass 3: groups, explicit ones first, then implied by member_of.
    def ensure_group(key: str, scope: Agency, name: str | None) -> AgencyGroup:
        group = session.scalar(select(AgencyGroup).where(AgencyGroup.key == key,
                                                         AgencyGroup.scope_id == scope.id))
        if group is None:
            group = AgencyGroup(key=key, scope=scope, name=name or GROUP_NAMES.get(key, key))
            session.add(group)
            report.groups_added += 1
        elif name:
            group.name = name
        return group

    for spec in data.get("groups") or []:
        if spec.get("key") not in GROUP_NAMES:
            raise DirectoryError(f"Nhóm “{spec.get('key')}” không hợp lệ ({', '.join(GROUP_NAMES)}).",
                                 f"Unknown group key “{spec.get('key')}”.")
        scope = lookup(spec.get("scope"), f"group {spec['key']}")
        if scope is None:
            raise DirectoryError(f"Nhóm “{spec['key']}” thiếu “scope” (UBND mà nhóm thuộc về).",
                                 f"Group “{spec['key']}” has no “scope” (the committee it belongs to).")
        ensure_group(spec["key"], scope, spec.get("name"))
    session.flush()
    for entry, agency in pending:
        for key in entry.get("member_of") or []:
            if key not in GROUP_NAMES:
                raise DirectoryError(f"“{agency.name}”: nhóm “{key}” không hợp lệ.",
                                     f"“{agency.name}”: unknown group “{key}”.")
            ancestors = agency.ancestors()
            groups = [g for a in ancestors for g in session.scalars(
                select(AgencyGroup).where(AgencyGroup.key == key, AgencyGroup.scope_id == a.id))]
            if not groups:
                scope = next((a for a in ancestors if a.type.startswith("ubnd")), None)
                if scope is None:
                    raise DirectoryError(
                        f"“{agency.name}” thuộc nhóm “{key}” nhưng không có UBND cấp trên.",
                        f"“{agency.name}” is in group “{key}” but has no People's Committee above it.")
                groups = [ensure_group(key, scope, None)]
            for group in groups:
                if agency not in group.members:
                    group.members.append(agency)
    session.flush()
    return report
