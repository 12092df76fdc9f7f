"""Match owner names to the directory and fan collective owners out to their members.

Pure: works on ``DirectoryEntry`` / ``GroupEntry`` records (built from the database by
``tracker.directory.store``), so it is testable without a database.

Matching ignores diacritics, case, punctuation and word order, expands the usual
abbreviations (UBND, HĐND, TT&TT, VH-TT, LĐTBXH ...), and allows the directory name to
carry extra place words ("huyện Cẩm Xuyên") that the plan leaves implicit. Names are only
matched inside the issuing People's Committee's own tree, so "Công an huyện" in a Cẩm
Xuyên plan is Cẩm Xuyên's police and nobody else's. Anything not matched exactly once is
left unresolved with a warning, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..reading.result import OwnerMention, PlanReading, ReadingWarning
from ..reading.text import fold

# Abbreviations written with punctuation inside, replaced before splitting into words.
_PHRASES = [
    (r"\btt\s*&\s*tt\b", "thong tin truyen thong"),
    (r"\bvh\s*-\s*tt\s*&\s*dl\b", "van hoa the thao du lich"),
    (r"\bvh\s*,?\s*tt\s*&\s*dl\b", "van hoa the thao du lich"),
    (r"\bvh\s*-\s*tt\b", "van hoa thong tin"),
    (r"\bvh\s*&\s*tt\b", "van hoa thong tin"),
    (r"\bkh\s*&\s*dt\b", "ke hoach dau tu"),
    (r"\btn\s*&\s*mt\b", "tai nguyen moi truong"),
    (r"\bgd\s*&\s*dt\b", "giao duc dao tao"),
    (r"\bnn\s*&\s*ptnt\b", "nong nghiep phat trien nong thon"),
    (r"\bkh\s*&\s*cn\b", "khoa hoc cong nghe"),
    (r"\bpt\s*-\s*th\b", "phat thanh truyen hinh"),
    (r"\bld\s*-?\s*tb\s*(&|va)?\s*xh\b", "lao dong thuong binh xa hoi"),
    (r"\bhdnd\s*-\s*ubnd\b", "hdnd ubnd"),
]
_WORDS = {
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "vp": "van phong",
    "bhxh": "bao hiem xa hoi", "hcc": "hanh chinh cong", "ldtbxh": "lao dong thuong binh xa hoi",
    "mttq": "mat tran to quoc", "tnmt": "tai nguyen moi truong", "gddt": "giao duc dao tao",
    "khdt": "ke hoach dau tu", "tttt": "thong tin truyen thong", "tthc": "thu tuc hanh chinh",
    "ptth": "phat thanh truyen hinh", "vhtt": "van hoa thong tin", "khcn": "khoa hoc cong nghe",
    "gtvt": "giao thong van tai", "nnptnt": "nong nghiep phat trien nong thon",
    "cchc": "cai cach hanh chinh", "ub": "uy ban", "tp": "thanh pho", "tx": "thi xa",
    "tt": "thi tran",
}
_STOP = {"va", "cua", "thuoc", "truc", "-", "phuc", "vu"}
# Words a directory name may carry that a plan leaves implicit.
_LEVEL_WORDS = {"tinh", "huyen", "xa", "thi", "tran", "thanh", "pho", "quan", "phuong", "cap"}
# A bare level name in a plan of a higher level means every body of that level.
_BARE_LEVEL_GROUPS = {
    ("uy ban nhan dan huyen", "province"): "district_committees",
    ("uy ban nhan dan xa", "province"): "communes",
    ("uy ban nhan dan xa", "district"): "communes",
}
_LEVEL_RANK = {"national": 0, "province": 1, "district": 2, "commune": 3}


def tokens(name: str) -> list[str]:
    """Matching words of a name: folded, abbreviations expanded, stop words dropped."""
    folded = fold(name)
    for pattern, replacement in _PHRASES:
        folded = re.sub(pattern, replacement, folded)
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", folded):
        words.extend(_WORDS.get(word, word).split())
    return [w for w in words if w not in _STOP]


def normal(name: str) -> str:
    return " ".join(tokens(name))


@dataclass(frozen=True)
class DirectoryEntry:
    id: int
    name: str
    names: tuple[str, ...]              # the name and every alias
    type: str
    level: str
    parent_id: int | None
    ancestors: tuple[int, ...] = ()     # parent first
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = None     # the agency that took its work over

    def exists_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))

    @property
    def merged_on(self) -> date | None:
        """The first day its successor holds its work (the day after it ceased); None when
        it has no successor or the day is not known."""
        if self.successor_id is None or self.valid_to is None:
            return None
        return self.valid_to + timedelta(days=1)


@dataclass(frozen=True)
class GroupEntry:
    id: int
    key: str
    scope_id: int
    name: str
    member_ids: tuple[int, ...]


@dataclass
class Resolution:
    """What resolving a plan found: the issuer and the warnings it added."""

    issuer: DirectoryEntry | None = None
    unresolved: int = 0
    warnings: list[ReadingWarning] = field(default_factory=list)


class DirectoryIndex:
    def __init__(self, agencies: list[DirectoryEntry], groups: list[GroupEntry]):
        self.agencies = {a.id: a for a in agencies}
        self.groups = groups
        self._merger_days = [d for d in (a.merged_on for a in agencies) if d is not None]
        self._names: dict[int, list[tuple[str, set[str]]]] = {
            a.id: [(normal(n), set(tokens(n))) for n in a.names] for a in agencies}
        # Place words of every People's Committee ("soc", "trang"), allowed as extras.
        self._place_words: set[str] = set()
        for agency in agencies:
            if agency.type.startswith("ubnd"):
                for n in agency.names:
                    words = tokens(n)
                    if words[:3] == ["uy", "ban", "nhan"]:
                        self._place_words.update(w for w in words[4:] if w not in _LEVEL_WORDS)

    # -- lookups -------------------------------------------------------------------------

    def root(self, entry: DirectoryEntry) -> int:
        return entry.ancestors[-1] if entry.ancestors else entry.id

    def in_tree(self, scope: DirectoryEntry | None) -> list[DirectoryEntry]:
        if scope is None:
            return list(self.agencies.values())
        root = self.root(scope)
        return [a for a in self.agencies.values() if a.id == root or root in a.ancestors]

    def match(self, name: str, scope: DirectoryEntry | None = None,
              on: date | None = None) -> list[DirectoryEntry]:
        """Agencies ``name`` can mean inside ``scope``'s tree, best first (exact beats loose)."""
        return self._match_on(name, scope, on)[1][1]

    def _match_on(self, name: str, scope: DirectoryEntry | None, on: date | None
                  ) -> tuple[bool, tuple[bool, list[DirectoryEntry]]]:
        """``match`` with what it was worked out from: whether some agency of the tree
        existed on ``on`` (else every agency of the tree was a candidate), whether the
        matches are exact, and the matches."""
        tree = self.in_tree(scope)
        existing = [a for a in tree if a.exists_on(on)]
        return bool(existing), self._match_in(name, existing or tree, scope)

    def _match_in(self, name: str, candidates: list[DirectoryEntry],
                  scope: DirectoryEntry | None) -> tuple[bool, list[DirectoryEntry]]:
        """Whether the best matches among ``candidates`` are exact, and those matches."""
        wanted = normal(name)
        wanted_set = set(wanted.split())
        if not wanted_set:
            return False, []
        exact = [a for a in candidates if any(n == wanted for n, _ in self._names[a.id])]
        if exact:
            return True, self._closest(exact, scope)
        allowed = _LEVEL_WORDS | self._place_words
        loose = []
        for agency in candidates:
            for _, words in self._names[agency.id]:
                # Word order and implicit place words do not matter; anything else does.
                if (wanted_set - words) <= _LEVEL_WORDS and (words - wanted_set) <= allowed \
                        and wanted_set & words - _LEVEL_WORDS:
                    loose.append(agency)
                    break
        return False, self._closest(loose, scope)

    def successor_on(self, entry: DirectoryEntry, on: date) -> DirectoryEntry:
        """Who holds ``entry``'s work on ``on``: its successor's successor ... as far as
        the mergers had happened by then (guarded against cycles in bad data)."""
        seen = {entry.id}
        while entry.merged_on is not None and entry.merged_on <= on:
            following = self.agencies.get(entry.successor_id or 0)
            if following is None or following.id in seen:
                break
            seen.add(following.id)
            entry = following
        return entry

    def merged_match(self, name: str, scope: DirectoryEntry | None, on: date | None,
                     current: tuple[bool, list[DirectoryEntry]] | None = None,
                     ) -> tuple[DirectoryEntry, DirectoryEntry] | None:
        """(the agency, its successor) when ``name`` means an agency merged into another
        before ``on`` and no agency existing on ``on`` answers to the name as well.
        ``current``: the match among the agencies existing on ``on``, when already known."""
        if on is None or not any(day <= on for day in self._merger_days):
            return None     # no merger by then: the usual case, and cheap
        gone = [a for a in self.in_tree(scope) if a.merged_on is not None and a.merged_on <= on]
        exact, found = self._match_in(name, gone, scope)
        if len(found) != 1:
            return None
        if current is None:
            current = self._match_in(name, [a for a in self.in_tree(scope) if a.exists_on(on)], scope)
        current_exact, matches = current
        if matches and (current_exact or not exact):
            return None     # an agency of the day has the name (as much as the old one did)
        successor = self.successor_on(found[0], on)
        return (found[0], successor) if successor.id != found[0].id else None

    def _closest(self, found: list[DirectoryEntry], scope: DirectoryEntry | None) -> list[DirectoryEntry]:
        """Prefer what is nearest the issuer: itself, its children, then further away."""
        if scope is None or len(found) < 2:
            return found

        def distance(a: DirectoryEntry) -> int:
            if a.id == scope.id:
                return 0
            if scope.id in a.ancestors:
                return 1 + a.ancestors.index(scope.id)
            if a.id in scope.ancestors:
                return 1 + scope.ancestors.index(a.id)
            return 10
        best = min(distance(a) for a in found)
        return [a for a in found if distance(a) == best]

    def group(self, key: str, scope: DirectoryEntry | None) -> GroupEntry | None:
        """The group of that kind belonging to the issuer, or to its nearest ancestor."""
        if scope is None:
            return None
        for scope_id in (scope.id, *scope.ancestors):
            for group in self.groups:
                if group.key == key and group.scope_id == scope_id:
                    return group
        return None

    def suggestions(self, name: str, scope: DirectoryEntry | None, limit: int = 3) -> list[str]:
        wanted = set(tokens(name)) - _LEVEL_WORDS
        scored = []
        for agency in self.in_tree(scope):
            best = 0.0
            for _, words in self._names[agency.id]:
                core = words - _LEVEL_WORDS - self._place_words
                if wanted and core:
                    best = max(best, len(wanted & core) / len(wanted | core))
            if best >= 0.4:
                scored.append((best, agency.name))
        return [n for _, n in sorted(scored, key=lambda x: (-x[0], x[1]))[:limit]]

    # -- a whole plan --------------------------------------------------------------------

    def issuer_of(self, reading: PlanReading) -> DirectoryEntry | None:
        """The body the plan's header names as its issuer, if the directory knows exactly one."""
        header = reading.header
        on = header.issued_date or (date(header.year, 1, 1) if header.year else None)
        if header.issuer:
            found = self.match(header.issuer, None, on)
            if len(found) == 1:
                return found[0]
        return None

    def resolve_plan(self, reading: PlanReading, issuer: DirectoryEntry | None = None) -> Resolution:
        """Fill in ``agency`` / ``members`` of every owner, adding warnings where in doubt.

        ``issuer``: the issuing body when the author chose it (a file that does not say);
        otherwise the one the header names."""
        result = Resolution()
        header = reading.header
        on = header.issued_date or (date(header.year, 1, 1) if header.year else None)
        result.issuer = issuer or self.issuer_of(reading)
        if result.issuer is None:
            result.warnings.append(ReadingWarning(
                "unresolved_issuer",
                f"Không tìm thấy cơ quan ban hành “{header.issuer or '?'}” trong danh mục cơ quan; "
                "tên cơ quan thực hiện sẽ được tìm trong toàn bộ danh mục.",
                f"The issuer “{header.issuer or '?'}” is not in the directory; owners are looked up "
                "in the whole directory."))
        for task in reading.tasks + reading.prose_tasks:
            for assignment in task.assignments:
                for role in ("lead", "coordinate"):
                    mentions: list[OwnerMention] = getattr(assignment, role)
                    doubts: list[tuple[OwnerMention, ReadingWarning]] = []
                    for mention in mentions:
                        doubt = self._resolve_mention(mention, result, on)
                        if doubt:
                            doubts.append((mention, doubt))
                    recovered = self._recover_garbled(mentions, result.issuer, on)
                    if recovered:
                        setattr(assignment, role, recovered[0])
                        doubts = [(m, w) for m, w in doubts if m in recovered[0]]
                        doubts.append((recovered[0][-1], recovered[1]))
                    assignment.warnings.extend(w for _, w in doubts)
                    result.unresolved += sum(1 for m in getattr(assignment, role)
                                             if m.agency is None and not m.members)
        return result

    def _resolve_mention(self, mention: OwnerMention, result: Resolution,
                         on: date | None) -> ReadingWarning | None:
        """Resolve one mention in place; the warning to attach if in doubt."""
        scope = result.issuer
        if mention.group is None and scope is not None:
            bare = _BARE_LEVEL_GROUPS.get((normal(mention.text), scope.level))
            if bare:
                mention.group = bare
        if mention.group:
            group = self.group(mention.group, scope)
            if group is None:
                return (ReadingWarning(
                    "unknown_group",
                    f"Nhóm “{mention.text}” chưa có trong danh mục cơ quan của "
                    f"{scope.name if scope else 'cơ quan ban hành'}: chưa phân công được cho từng cơ quan.",
                    f"The group “{mention.text}” is not in the directory of "
                    f"{scope.name if scope else 'the issuer'}: it cannot be fanned out yet."))
            mention.agency = group.name
            mention.members = [self.agencies[i].name for i in group.member_ids
                               if i in self.agencies and self.agencies[i].exists_on(on)]
            return None
        if mention.vague:
            return (ReadingWarning(
                "vague_owner",
                f"“{mention.text}” không chỉ rõ cơ quan nào; chuyên viên theo dõi cần chọn cơ quan cụ thể.",
                f"“{mention.text}” does not say which agencies; the plan author must choose."))
        some_existed, (current_exact, found) = self._match_on(mention.text, scope, on)
        merged = self.merged_match(mention.text, scope, on,
                                   (current_exact, found) if some_existed else (False, []))
        if merged is not None:
            # A plan issued after a merger names the old body: offer its successor, said
            # plainly, so the author sees it and can change it (docs/domain.md, The 2025 reform).
            old, successor = merged
            mention.agency = successor.name
            merged_on = old.merged_on or on
            return ReadingWarning(
                "owner_merged",
                f"“{mention.text}”: {old.name} đã hợp nhất vào {self.agencies[old.successor_id or 0].name} "
                f"từ ngày {merged_on:%d/%m/%Y}; đề xuất giao cho {successor.name}. Đổi cơ quan nếu không đúng.",
                f"“{mention.text}”: {old.name} was merged into {self.agencies[old.successor_id or 0].name} "
                f"on {merged_on:%d/%m/%Y}; proposed owner: {successor.name}. Change it if that is wrong.",
                suggestion=successor.name)
        if len(found) == 1:
            mention.agency = found[0].name
            return None
        if found:
            names = "; ".join(a.name for a in found[:5])
            return (ReadingWarning(
                "ambiguous_owner", f"“{mention.text}” có thể là nhiều cơ quan: {names}.",
                f"“{mention.text}” could be several agencies: {names}.", suggestion=names))
        hint = self.suggestions(mention.text, scope)
        return (ReadingWarning(
            "unresolved_owner",
            f"Không tìm thấy “{mention.text}” trong danh mục cơ quan"
            + (f"; có thể là: {'; '.join(hint)}." if hint else "."),
            f"“{mention.text}” is not in the directory"
            + (f"; perhaps: {'; '.join(hint)}." if hint else "."),
            suggestion="; ".join(hint) or None))

    def _recover_garbled(self, mentions: list[OwnerMention], scope: DirectoryEntry | None,
                         on: date | None) -> tuple[list[OwnerMention], ReadingWarning] | None:
        """Owner names whose words a conversion shuffled across cells ("Báo Trắng, phát
        truyền hình tỉnh. Sóc Đài thanh hình"): if the unresolved words are exactly the words
        of a few directory agencies, read those agencies, and flag it for review."""
        lost = [m for m in mentions if m.agency is None and not m.group and not m.vague]
        if not lost:
            return None
        allowed = _LEVEL_WORDS | self._place_words
        bag: set[str] = set()
        for m in lost:
            bag |= set(tokens(m.text))
        core_bag = bag - allowed
        if len(core_bag) < 2:
            return None
        # Place names count too when the text has any: "Ủy ban nhân dân tỉnh Hà Tĩnh" is not
        # every "Ủy ban nhân dân …" of the issuer's province.
        places_bag = bag & self._place_words - _LEVEL_WORDS
        picked: list[DirectoryEntry] = []
        explained: set[str] = set()
        for agency in self.in_tree(scope):
            if not agency.exists_on(on):
                continue
            for _, words in self._names[agency.id]:
                core = words - allowed
                places = words & self._place_words - _LEVEL_WORDS
                if len(core) >= 1 and core <= core_bag and len(words & bag) >= 2 \
                        and (not places_bag or places <= bag):
                    picked.append(agency)
                    explained |= core | places
                    break
        if not picked or explained & core_bag != core_bag or not places_bag <= explained:
            return None
        picked = list({a.id: a for a in picked}.values())
        original = "; ".join(m.text for m in lost)
        names = "; ".join(a.name for a in picked)
        kept = [m for m in mentions if m not in lost]
        recovered = [OwnerMention(text=a.name, agency=a.name) for a in picked]
        warning = ReadingWarning(
            "garbled_owner",
            f"Tên cơ quan bị xáo trộn khi chuyển đổi (“{original}”); đọc thành: {names}. Cần kiểm tra.",
            f"Owner names garbled by the conversion (“{original}”); read as: {names}. Please check.",
            suggestion=names)
        return kept + recovered, warning
