"""Tasks written as prose: candidate tasks found in paragraphs and bullet points.

Two uses, one reader:

- a *tabular* plan keeps its tasks in a table; only its "TỔ CHỨC THỰC HIỆN" section is read
  here, and only sentences with an explicit dated deadline and a named owner become
  candidates (docs/domain.md, "Plan documents": this section often holds further deadlines);
- a *prose* programme ("Đề án", a remediation plan) has no table at all; the whole body is
  read (``read_prose_plan``).

A sentence is proposed when it assigns work to an agency ("Giao Sở ...", "X chủ trì", "X tham
mưu", "X có trách nhiệm") and/or carries a deadline phrase ("trong tháng 01/2016", "trước ngày
30/9/2017", "Quý I/2016", "định kỳ 6 tháng", "hằng năm"). When the sentence names no owner, the
owner comes from its lead-in ("- Sở Tư pháp chủ trì ... các kế hoạch sau:" over "+" items), or
is inferred from the document's own assignment section ("V. TRÁCH NHIỆM THỰC HIỆN ... Sở Tư
pháp chủ trì ... các nhiệm vụ về cải cách thủ tục hành chính") by matching the areas it names
with the headings the sentence sits under. Percentages ("đạt 100%", "giảm 30%") are kept as
``targets`` of the task they belong to, never as tasks.

Every candidate carries its sentence (``source_text``), a ``confidence`` and the ``reason`` in
Vietnamese; none is tracked until the plan's author confirms it (warning ``prose_task``). The
rules are about how Vietnamese administrative prose is written, never about one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .deadlines import read_deadline
from .header import context_of
from .owners import fold_chars, read_owners
from .phrases import (
    BOILERPLATE,
    CHECKED_CONFIDENCE,
    CHECKED_STRONG,
    CONFIDENCE,
    DEADLINE_LABEL,
    DEADLINE_ONLY_WORDS,
    MAPPING,
    MAPPING_NUMBERS,
    MEDIUM,
    NONE,
    STRONG,
    TCTH_STANDING,
    VERB,
    WEAK,
    DeadlinePhrase,
    OwnerPhrase,
    agency_start,
    deadline_phrases,
    directed_by,
    masked_fold,
    owner_at,
    owner_in_sentence,
    partners_in,
    pure_owner,
    split_sentences,
    targets_in,
    title_key,
    vague_if_generic,
)
from .reporting import ReportingCalendar
from .result import (
    DATE,
    RANGE,
    AssignmentReading,
    NotAPlanError,
    PlanContext,
    PlanHeader,
    PlanReading,
    ReadingWarning,
    SectionReading,
    TaskReading,
)
from .text import fold

_OBJECTIVE_PENALTY = 0.1   # a dated sentence among the objectives is as often a target as a task

_A = re.ASCII

# --- document outline (item markers: ``outline.item_marker``) ------------------------------------
# Section kinds, decided by the innermost heading that says what it is (folded titles).
_RESPONSIBILITY = re.compile(
    r"^(to chuc thuc hien|trach nhiem thuc hien|trach nhiem cua|phan cong( thuc hien| trach nhiem|"
    r" nhiem vu)?|giao nhiem vu)\b")
_OBJECTIVES = re.compile(r"^(muc tieu|chi tieu)\b")
_IMPLEMENTATION = re.compile(r"^(to chuc thuc hien|trach nhiem thuc hien|to chuc theo doi|theo doi,? kiem tra|"
                             r"kiem tra,? giam sat|che do bao cao|phan cong (thuc hien|trach nhiem|nhiem vu))\b")
_NOT_TASKS = re.compile(
    r"^(su can thiet|co so phap ly|can cu phap ly|can cu xay dung|muc dich|yeu cau|quan diem|"
    r"thuc trang|tinh hinh|ket qua (dat duoc|thuc hien)|danh gia (chung|ket qua|tinh hinh|thuc trang)|"
    r"nguyen nhan|han che|(cac )?hanh vi vi pham|xu phat|muc phat|che tai|thong tin lien he|dau moi lien he)\b")



@dataclass
class _Node:
    kind: str                    # roman, num, letter, dash, plus, para, root
    level: int
    number: str
    text: str
    line: int
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    role: str = "tasks"          # tasks, objectives, responsibility, skip
    inferred: _Mapping | None = None
    #: {item kind: (headings, those naming an agency)} among the children, counted once
    owner_headings: dict = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.text}" if self.kind in ("roman", "num") else self.text

    def ancestors(self):
        node = self.parent
        while node is not None and node.kind != "root":
            yield node
            node = node.parent


def _logical_lines(text: str, tcth_only: bool) -> list[tuple[int, str]]:
    """The document's paragraphs (``outline.paragraphs``: wrapped lines joined, tables and the
    closing left out), with the line each starts on."""
    from .outline import paragraphs
    return [(p.line, p.text) for p in paragraphs(text)]


def _outline(lines: list[tuple[int, str]]) -> _Node:
    root = _Node("root", -1, "", "", 0)
    stack = [root]
    from .outline import markers
    for (number, _line), (kind, num, body, level) in zip(lines, markers([text for _n, text in lines])):
        node = _Node(kind, level, num, body.strip(), number)
        while stack[-1].level >= level:
            stack.pop()
        node.parent = stack[-1]
        stack[-1].children.append(node)
        stack.append(node)
    return root


def _walk(node: _Node):
    for child in node.children:
        yield child
        yield from _walk(child)


def _assign_roles(root: _Node) -> None:
    for node in _walk(root):
        node.role = "tasks"
        for heading in [node, *node.ancestors()]:
            if heading.kind not in ("roman", "num", "letter") or (heading is node and not node.children):
                continue
            title = title_key(heading.text)
            if _RESPONSIBILITY.match(title):
                node.role = "responsibility"
            elif _OBJECTIVES.match(title):
                node.role = "objectives"
            elif _NOT_TASKS.match(title):
                node.role = "skip"
            else:
                continue
            break


# --- sentences -------------------------------------------------------------------------------------


@dataclass
class _Sentence:
    text: str
    node: _Node
    line: int
    folded: str = ""
    deadlines: list[DeadlinePhrase] = field(default_factory=list)
    owner: OwnerPhrase | None = None
    targets: list[str] = field(default_factory=list)



def _is_deadline_only(sentence: _Sentence) -> bool:
    """"Thực hiện trong quí I/2016.": the deadline of the sentence before it."""
    if not sentence.deadlines:
        return False
    if DEADLINE_LABEL.match(sentence.folded):
        return True
    rest = sentence.folded
    for d in sentence.deadlines:
        rest = rest[:d.start] + " " * (d.end - d.start) + rest[d.end:]
    words = re.findall(r"[a-z0-9]+", rest)
    return len(words) <= 5 and all(w in DEADLINE_ONLY_WORDS for w in words)


# --- the assignment section ----------------------------------------------------------------------
_FUNCTION = {"va", "cua", "cac", "ve", "theo", "trong", "voi", "cho", "de", "tai", "tren", "nhung",
             "la", "duoc", "tu", "den", "o", "nham", "doi", "tot", "so", "sau", "viec", "cong", "tac"}
_GENERIC_BIGRAMS = {"cai cach", "hanh chinh", "nha nuoc", "thuc hien", "trien khai", "noi dung",
                    "nhiem vu", "co quan", "don vi", "to chuc", "de an", "ke hoach", "chinh nha",
                    "dia ban", "giai phap", "hieu qua", "nang cao", "tang cuong", "day manh"}


@dataclass
class _Mapping:
    owner: OwnerPhrase
    areas: list[str]
    numbers: list[str]
    sentence: str
    section_title: str


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\d+[\w/.\-]*", " ", fold(text))
    words = [w for w in re.findall(r"[a-z]+", text) if w not in _FUNCTION]
    return {f"{a} {b}" for a, b in zip(words, words[1:])} - _GENERIC_BIGRAMS


def _area_score(heading: str, area: str) -> float:
    h, a = _bigrams(heading), _bigrams(area)
    if not h or not a:
        return 0.0
    shared = len(h & a)
    if shared == 0 or (min(len(h), len(a)) >= 3 and shared < 2):
        return 0.0
    return shared / min(len(h), len(a))


def _infer_owners(root: _Node, mappings: list[_Mapping]) -> None:
    """Give each heading (and lead-in) the owner whose assigned area it names best."""
    if not mappings:
        return
    headings = [n for n in _walk(root) if n.role in ("tasks", "objectives")
                and (n.kind in ("roman", "num", "letter") and n.children or n.text.endswith(":"))]
    for node in headings:
        best, best_score = None, 0.0
        for mapping in mappings:
            for area in mapping.areas:
                score = _area_score(node.text, area)
                if score > best_score:
                    best, best_score = mapping, score
        if best is not None and best_score >= 0.5:
            node.inferred = best
    numbered: dict[str, list[_Node]] = {}           # the numbered task items, by number, found once
    for node in _walk(root):
        if node.kind == "num" and node.role == "tasks":
            numbered.setdefault(node.number, []).append(node)
    for mapping in mappings:
        for number in mapping.numbers:
            for node in _numbered(numbered, number):
                node.inferred = mapping


def _numbered(numbered: dict[str, list[_Node]], number: str) -> list[_Node]:
    """The task items "nhiệm vụ 3" / "mục II.3" refers to (outside the assignment section)."""
    roman, _, rest = number.rpartition(".") if re.match(r"^[ivx]+\.", number) else ("", "", number)
    roman = roman.upper()
    nodes = [n for n in numbered.get(rest, []) if not roman or any(a.number == roman for a in n.ancestors())]
    # Prefer items under a "NHIỆM VỤ" / "NỘI DUNG" heading when the number repeats.
    preferred = [n for n in nodes if any(re.match(r"^(nhiem vu|noi dung|cac nhiem vu)", title_key(a.text))
                                         for a in n.ancestors())]
    return preferred or nodes


# --- candidates ----------------------------------------------------------------------------------
@dataclass
class _Candidate:
    sentence: _Sentence
    owner: OwnerPhrase | None
    deadline: DeadlinePhrase | None
    confidence: float
    reason: str
    targets: list[str] = field(default_factory=list)
    reason_en: str = ""


@dataclass
class _Context:
    owner: OwnerPhrase | None = None
    deadline: DeadlinePhrase | None = None
    listing: bool = False         # the items list what is punished or described, not duties


# A lead-in whose list is of violations and their fines ("Các hành vi vi phạm … bị xử phạt
# … như:"), not of duties.
_LISTS_VIOLATIONS = re.compile(r"\b(?:hanh\s*vi\s*vi\s*pham|bi\s*xu\s*phat|xu\s*phat\s*vi\s*pham)\b", _A)


_ASKED = re.compile(r"\b(?:de\s*nghi|yeu\s*cau|giao)\s+", _A)


def _asked_owner(text: str, folded: str) -> OwnerPhrase | None:
    """"Sở GDĐT đề nghị UBND các xã, phường; các đơn vị … thực hiện …": whom the sentence asks."""
    for asked in _ASKED.finditer(folded):
        owner = owner_at(text, folded, asked.end())
        if owner is not None:
            return owner
    return None


_REQUEST = re.compile(r"\b(?:de nghi|yeu cau|giao)\b", _A)


def _lead_in(node: _Node, context: PlanContext) -> _Context:
    """What a lead-in ("... sau:", "2. Sở Nội vụ:", "… đề nghị UBND các xã thực hiện … Cụ thể:")
    hands to the items under it: the owner of its last sentence that names one."""
    sentences = split_sentences(node.text) or [node.text]
    text = sentences[-1]
    folded = masked_fold(text)
    deadlines = deadline_phrases(text, context, folded)
    pure = pure_owner(text) or _named_group(node)
    owner = pure or owner_in_sentence(text, folded, deadlines) or _asked_owner(text, folded)
    for earlier in reversed(sentences[:-1]):
        if owner is not None or len(text.split()) > 4:
            break                          # only a bare "Cụ thể:" / "như sau:" looks further back
        folded_earlier = masked_fold(earlier)
        owner = (owner_in_sentence(earlier, folded_earlier, deadline_phrases(earlier, context, folded_earlier))
                 or _asked_owner(earlier, folded_earlier))
    if owner:
        # Whom a request names ("Sở Nội vụ đề nghị các doanh nghiệp … như sau:") is handed the
        # items that follow, as a heading hands them: they are proposed even undated.
        request = _REQUEST.search(folded)
        asked = request is not None and folded.find(fold(owner.text)[:20], request.end()) >= 0
        owner = OwnerPhrase(owner.text, owner.reading, "lead_in", note=text.rstrip(" :"),
                       heading=owner is pure and node.kind != "para" or asked)
    best = max(deadlines, key=lambda d: d.strength) if deadlines else None
    return _Context(owner, best)


def _named_group(node: _Node) -> OwnerPhrase | None:
    """In "Tổ chức thực hiện", a numbered heading with duties under it and no verb names who
    has them, even when it is not an agency's name ("5. Các chủ rừng là tổ chức (…)")."""
    if node.kind not in ("num", "letter") or not node.children:
        return None
    if node.role != "responsibility" and not _among_owner_headings(node):
        return None
    body = re.sub(r"\s*\(.*$", "", node.text).rstrip(" :.")
    folded = fold_chars(body)
    # (After "là" a verb's word is a noun: "Các chủ rừng là tổ chức".)
    if not body or len(body.split()) > 15 or any(body[m.start()].islower() and not folded[:m.start()].endswith("la ")
                                                 for m in VERB.finditer(folded)):
        return None
    reading = read_owners(body)
    reading.lead = [vague_if_generic(m) for m in reading.lead]
    return OwnerPhrase(body, reading, "own") if reading.lead else None


def _among_owner_headings(node: _Node) -> bool:
    """Is ``node`` one of a run of headings most of which name an agency ("1. UBND các xã", "2. Sở
    Nông nghiệp …", "5. Các chủ rừng là tổ chức (…)")? Then it names whose duties follow too."""
    parent = node.parent
    if parent is None:
        return False
    if node.kind not in parent.owner_headings:      # counted once per list, not once per item
        headings = [n for n in parent.children if n.kind == node.kind and n.children]
        parent.owner_headings[node.kind] = (len(headings), sum(1 for n in headings if pure_owner(n.text) is not None))
    headings, owners = parent.owner_headings[node.kind]
    if node.children:                               # the others: leave this one out
        headings, owners = headings - 1, owners - (pure_owner(node.text) is not None)
    return headings >= 2 and owners * 3 >= headings * 2


# What closes an item whose dashes spell out its own duty ("…, cụ thể:", "… gồm:") and the
# words a duty opens with when it is not an agency's name.
_CONTENTS_FOLLOW = re.compile(r"(?:cu\s*the|nhu\s*sau|sau\s*day|bao\s*gom|gom|cac\s*noi\s*dung\s*sau)\s*:\s*$", _A)
_DUTY_OPENING = re.compile(r"^(?:thuong\s*xuyen|tiep\s*tuc|tang\s*cuong|day\s*manh|khan\s*truong|chu\s*dong|"
                           r"kip\s*thoi|nghiem\s*tuc|tap\s*trung)\b", _A)


def _duty_with_contents(node: _Node) -> bool:
    """An item that is a duty of its own and lists what it consists of: it opens with what
    to do (not with an agency's name), is a sentence, and its sub-items name no owners."""
    if node.kind not in ("num", "letter", "dash", "plus") or not node.children:
        return False
    folded = masked_fold(node.text)
    if not _CONTENTS_FOLLOW.search(folded) or len(node.text.split()) < 10 or agency_start(node.text):
        return False
    opening = VERB.match(folded) or _DUTY_OPENING.match(folded)
    if opening is None or not node.text[:1].isupper():
        return False
    return not any(agency_start(c.text) for c in node.children)


def _is_lead_in(node: _Node) -> bool:
    return node.text.rstrip().endswith(":") or (node.kind in ("num", "letter") and bool(node.children)
                                                and (pure_owner(node.text) is not None
                                                     or _named_group(node) is not None))


def _sentences(root: _Node, context: PlanContext) -> list[tuple[_Sentence, _Context]]:
    """Every sentence outside lead-ins, with what its lead-ins give it."""
    out: list[tuple[_Sentence, _Context]] = []

    def visit(node: _Node, inherited: _Context) -> None:
        following = inherited
        for child in node.children:
            if following is not inherited and child.kind in ("para", "roman"):
                following = inherited          # a lead-in's list ends at the next paragraph
            ctx = following
            if _is_lead_in(child) and _duty_with_contents(child):
                # "1. Thường xuyên rà soát hợp đồng …, cụ thể:" then dashes spelling it out:
                # one duty, its dashes are its contents.
                if child.role != "skip" and not ctx.listing:
                    out.extend(_read_pieces(child, split_sentences(child.text), ctx, context, duty=True))
                visit(child, _Context(ctx.owner, ctx.deadline, True))
                continue
            if _is_lead_in(child):
                given = _lead_in(child, context)
                deadline = given.deadline if given.deadline and given.deadline.strength >= MEDIUM else None
                given = _Context(given.owner or ctx.owner, deadline or ctx.deadline,
                                 ctx.listing or bool(_LISTS_VIOLATIONS.search(masked_fold(child.text))))
                pieces = split_sentences(child.text)
                if len(pieces) > 1 and child.role != "skip":
                    out.extend(_read_pieces(child, pieces[:-1], ctx, context))
                if child.children:
                    visit(child, given)
                else:
                    following = given          # a paragraph "... như sau:" leads its followers
                continue
            if child.role != "skip" and not ctx.listing:
                out.extend(_read_pieces(child, split_sentences(child.text), ctx, context))
            visit(child, ctx)

    visit(root, _Context())
    return out


def _read_pieces(node: _Node, pieces: list[str], ctx: _Context,
                 context: PlanContext, duty: bool = False) -> list[tuple[_Sentence, _Context]]:
    out: list[tuple[_Sentence, _Context]] = []
    previous: _Sentence | None = None
    for piece in pieces:
        sentence = _Sentence(piece, node, node.line, masked_fold(piece))
        sentence.deadlines = deadline_phrases(piece, context, sentence.folded)
        if previous is not None and _is_deadline_only(sentence):
            previous.deadlines.extend(sentence.deadlines)
            previous.text = f"{previous.text} {piece}"
            continue
        sentence.owner = (owner_in_sentence(piece, sentence.folded, sentence.deadlines)
                          or directed_by(piece, sentence.folded, ctx.owner))
        sentence.targets = targets_in(piece)
        previous = sentence
        if node.kind == "roman" or node.children and not (sentence.owner or sentence.deadlines or duty):
            continue                       # a heading ("1.1. Cải cách thể chế")
        out.append((sentence, ctx))
    return out


def _mappings(pairs: list[tuple[_Sentence, _Context]]) -> tuple[list[_Mapping], set[int]]:
    """Assignments of areas or numbered tasks to owners, and the sentences that only say that."""
    mappings: list[_Mapping] = []
    mapping_ids: set[int] = set()
    for sentence, ctx in pairs:
        if sentence.node.role != "responsibility":
            continue
        owner = sentence.owner or ctx.owner
        if owner is None or not owner.reading.lead:
            continue
        match = MAPPING.search(sentence.folded)
        numbers = []
        for found in MAPPING_NUMBERS.finditer(sentence.folded):
            numbers += [re.sub(r"\s+", "", n)
                        for n in re.split(r"\s*(?:,|va|;)\s*", found.group("nums")) if n]
        if not match and not numbers:
            continue
        areas = []
        if match:
            rest = sentence.text[match.end():]
            areas = [a.strip(" ,.") for a in re.split(r"\s*;\s*", rest) if a.strip(" ,.")]
        section = next((a for a in sentence.node.ancestors() if a.kind == "roman"), None)
        mappings.append(_Mapping(owner, areas, numbers, sentence.text,
                                 section.heading if section else ""))
        mapping_ids.add(id(sentence))
    return mappings, mapping_ids


def _inferred_for(node: _Node) -> _Mapping | None:
    for candidate in [node, *node.ancestors()]:
        if candidate.inferred is not None:
            return candidate.inferred
    return None


# "Văn phòng Chính phủ thông báo để Ủy ban nhân dân tỉnh Sơn La và các Bộ … biết, thực hiện.":
# whom a conclusion notice is for; its duties that name nobody are theirs.
_FOR_WHOM = re.compile(r"\bthong\s*bao\s*(?:de|cho|toi)\s+(?P<who>[^.;:]{3,200}?)\s*(?:duoc\s*)?biet\s*,?\s*"
                       r"(?:va\s*)?(?:chi\s*dao\s*)?(?:thuc\s*hien|trien\s*khai)", _A)


def _addressee(text: str) -> OwnerPhrase | None:
    """The document's own addressee, named in its closing formula, or None."""
    folded = fold_chars(text)
    matches = list(_FOR_WHOM.finditer(folded))
    match = matches[-1] if matches else None   # the last one: the closing formula
    if match is None:
        return None
    who = text[match.start("who"):match.end("who")]
    reading = read_owners(who)
    named = [m for m in reading.lead if not m.vague and not m.group]
    if not named:
        return None
    reading.lead, reading.coordinate = named, []
    return OwnerPhrase(who, reading, "inferred", note=text[match.start():match.end()])


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _judge(sentence: _Sentence, ctx: _Context, mapping_ids: set[int],
           tcth_only: bool, addressee: OwnerPhrase | None = None) -> _Candidate | None:
    """Is the sentence a task, how sure is the reader, and why (in Vietnamese)."""
    deadline = max(sentence.deadlines, key=lambda d: d.strength) if sentence.deadlines else ctx.deadline
    strength = deadline.strength if deadline else NONE
    owner = sentence.owner or ctx.owner
    if BOILERPLATE.match(sentence.folded.strip()):
        return None                       # legal bases, "if difficulties arise, report to …"
    if tcth_only:
        # A tabular plan's "Tổ chức thực hiện": a dated duty of a named agency is proposed
        # ticked; an undated one (a standing duty: "theo dõi, đôn đốc …") is proposed unticked,
        # for the author to take or leave.
        # (A collective heading, "2. Các bộ, ngành, địa phương có trách nhiệm:", does hand out
        # the duties under it; the same words in a sentence are too loose to.)
        if owner is None or owner.source not in ("own", "lead_in") or owner.vague and owner.source != "lead_in":
            return None
        if sentence.deadlines and deadline is not None and strength >= STRONG \
                and deadline.reading.kind in (DATE, RANGE):
            return _Candidate(sentence, owner, deadline, CHECKED_STRONG,
                              "Có cơ quan chủ trì và thời hạn (phần Tổ chức thực hiện)",
                              reason_en="A lead agency and a deadline (implementation section)")
        if ctx.owner is None and owner.end > 0 and not agency_start(sentence.text.lstrip("-+• ")):
            return None                   # an owner named mid-sentence: a mention, not the duty's owner
        return _Candidate(sentence, owner, deadline if strength >= MEDIUM else None, TCTH_STANDING,
                          "Nhiệm vụ giao cho cơ quan trong phần Tổ chức thực hiện, không có thời hạn cụ thể",
                          reason_en="A duty given to an agency in the implementation section, with no fixed deadline")
    role = sentence.node.role
    if role == "skip":
        return None
    if id(sentence) in mapping_ids and strength < STRONG:
        return None                       # "Sở Tư pháp chủ trì các nhiệm vụ về ...": the assignment itself
    if role == "objectives" and strength < STRONG:
        return None                       # objectives are targets unless a precise date makes them work
    if owner is not None and owner.source == "own":
        row = "vague" if owner.vague else "explicit"
        who = (("Câu giao việc cho cơ quan", "A sentence assigning work to an agency") if row == "explicit"
               else ("Câu giao việc chung cho các cơ quan, đơn vị", "A sentence assigning work to agencies in general"))
    elif owner is not None:
        row = ("vague_heading" if owner.heading else "vague_lead_in") if owner.vague else "explicit"
        who = (f"Cơ quan chủ trì lấy từ câu dẫn “{_short(owner.note, 70)}”",
               f"Lead agency from the lead-in “{_short(owner.note, 70)}”")
    elif (mapping := _inferred_for(sentence.node)) is not None:
        owner = OwnerPhrase(mapping.owner.text, mapping.owner.reading, "inferred", note=mapping.sentence)
        row = "inferred"
        title = _title_case(mapping.section_title or "phần phân công")
        who = (f"Chủ trì suy ra từ mục {title}: “{_short(mapping.sentence, 80)}”",
               f"Lead inferred from the part {title}: “{_short(mapping.sentence, 80)}”")
    elif addressee is not None and sentence.node.kind in ("num", "letter", "dash", "plus") \
            and not sentence.node.children:
        # A duty naming nobody in a notice addressed to someone ("Tỉnh cần …"): the addressee's.
        owner = addressee
        row = "vague_heading"
        who = (f"Cơ quan thực hiện là nơi văn bản gửi tới: “{_short(addressee.note, 80)}”",
               f"Owner is whom the document is for: “{_short(addressee.note, 80)}”")
    else:
        row, who = "none", ("Chưa rõ cơ quan chủ trì", "No clear lead agency")
    confidence = CONFIDENCE[row][strength]
    if confidence is None:
        return None
    if deadline is None:
        when = ("không có thời hạn", "no deadline")
    elif strength == WEAK:
        when = (f"thời hạn chung “{deadline.text}”", f"a general deadline “{deadline.text}”")
    else:
        when = (f"có thời hạn “{deadline.text}”", f"deadline “{deadline.text}”")
    reasons = [who, when]
    if row == "explicit" and strength >= MEDIUM:
        lead_in = owner is not None and owner.source == "lead_in"
        reasons = [(f"Có cơ quan chủ trì và thời hạn{' (lấy từ câu dẫn)' if lead_in else ''}",
                    f"A lead agency and a deadline{' (from the lead-in)' if lead_in else ''}")]
    if role == "objectives":
        confidence -= _OBJECTIVE_PENALTY
        reasons.append(("nêu trong phần mục tiêu", "stated among the objectives"))
    return _Candidate(sentence, owner, deadline, round(confidence, 2), "; ".join(vi for vi, _en in reasons),
                      reason_en="; ".join(en for _vi, en in reasons))


def _one_per_item(candidates: list[_Candidate]) -> list[_Candidate]:
    """An item is one duty: its later sentences explain the first unless they name their own
    owner or their own precise deadline (then they are a duty of their own)."""
    kept: list[_Candidate] = []
    first_of: dict[int, _Candidate] = {}
    for candidate in candidates:
        node = candidate.sentence.node
        first = first_of.get(id(node))
        own_owner = candidate.owner is not None and candidate.owner.source == "own"
        own_date = any(d.strength >= STRONG for d in candidate.sentence.deadlines)
        if first is not None and not own_owner and not own_date:
            for target in candidate.targets:
                if target not in first.targets:
                    first.targets.append(target)
            later = candidate.sentence.deadlines
            if first.deadline is None and later and max(d.strength for d in later) >= MEDIUM:
                # The duty's time written in a later sentence of the item ("… Bố trí đủ nhân
                # lực, hoàn thành trước khi có lũ tràn về.") is still the item's.
                first.deadline = max(later, key=lambda d: d.strength)
                first.reason += f"; thời hạn “{first.deadline.text}” ở câu sau"
                first.reason_en += f"; deadline “{first.deadline.text}” in a later sentence"
            continue
        first_of.setdefault(id(node), candidate)
        kept.append(candidate)
    return kept


def _title_case(title: str) -> str:
    """"V. TRÁCH NHIỆM THỰC HIỆN" → "V. Trách nhiệm thực hiện"."""
    if title.upper() != title:
        return title
    number, _, rest = title.partition(". ")
    return f"{number}. {rest[:1]}{rest[1:].lower()}" if rest else title.capitalize()


# --- the reading -----------------------------------------------------------------------------------
@dataclass
class ProseReading:
    tasks: list[TaskReading]
    warnings: list[ReadingWarning]


def read_prose(text: str, context: PlanContext, whole_document: bool) -> ProseReading:
    """Candidate tasks of a plan's prose: the whole body, or only "Tổ chức thực hiện"."""
    tcth_only = not whole_document
    root = _outline(_logical_lines(text, tcth_only))
    _assign_roles(root)
    sections: dict[int, SectionReading] = {}
    if tcth_only:
        # "Tổ chức thực hiện", and the sections that go on with it ("Tổ chức theo dõi, kiểm
        # tra và chế độ báo cáo", "Trách nhiệm thực hiện").
        parts = [n for n in root.children if n.kind == "roman" and _IMPLEMENTATION.match(title_key(n.text))]
        if not parts:
            return ProseReading([], [])
        root = _Node("root", -1, "", "", 0, children=parts)
        for number, part in enumerate(parts):
            sections[id(part)] = SectionReading(None, "TCTH" if number == 0 else f"TCTH{number + 1}",
                                                part.heading, -1 + number)
    pairs = _sentences(root, context)
    mappings, mapping_ids = _mappings(pairs) if not tcth_only else ([], set())
    _infer_owners(root, mappings)

    candidates: list[_Candidate] = []
    loose_targets: list[_Sentence] = []
    addressee = None if tcth_only else _addressee(text)
    for sentence, ctx in pairs:
        candidate = _judge(sentence, ctx, mapping_ids, tcth_only, addressee)
        if candidate is not None:
            candidate.targets = list(sentence.targets)
            candidates.append(candidate)
        elif sentence.targets and sentence.node.role != "skip":
            loose_targets.append(sentence)
    warnings = [] if tcth_only else _attach_targets(candidates, loose_targets)
    candidates = _one_per_item(candidates)

    # The outline reader takes the items it can read by their structure (labelled lines,
    # agency headings); sentences in those items are not proposed a second time.
    from .outline import read_outline, to_tasks
    proposals, covered = read_outline(text, context)
    if tcth_only:
        proposals = [p for p in proposals if p.confidence >= 0.85]
        covered = {line for p in proposals for line in (p.node.line,)}
    # Labelled lines ("Đơn vị phối hợp: …") are fields of an item, never a task themselves.
    from .outline import is_label_only
    candidates = [c for c in candidates if c.sentence.line not in covered
                  and not is_label_only(c.sentence.text)]
    tasks: list[TaskReading] = []
    for candidate in candidates:
        section = _section(candidate.sentence.node, sections)
        tasks.append(_task(candidate, section, "", len(tasks), tcth_only, context))
    by_numbering = {s.numbering: s for s in sections.values()}
    tasks += to_tasks(proposals, by_numbering, start=(10_000 if tcth_only else 0) + len(tasks))
    tasks.sort(key=lambda t: (t.line, t.position))
    counters: dict[str, int] = {}
    for position, task in enumerate(tasks):
        numbering = task.section.numbering if task.section else "VB"
        counters[numbering] = counters.get(numbering, 0) + 1
        task.number = str(counters[numbering])
        task.ref = f"{numbering}.{task.number}"
        task.position = (10_000 if tcth_only else 0) + position
    return ProseReading(tasks, warnings)


def _section(node: _Node, sections: dict[int, SectionReading]) -> SectionReading:
    """The document's own top section ("III. NHIỆM VỤ, GIẢI PHÁP"), one object per section."""
    top = next((a for a in [node, *node.ancestors()] if a.kind == "roman"), None)
    key = id(top) if top else 0
    if key not in sections:
        base = numbering = top.number if top else "VB"
        repeat = 1
        while any(s.numbering == numbering for s in sections.values()):
            repeat += 1                       # a numeral used twice in the document
            numbering = f"{base}-{repeat}"
        sections[key] = SectionReading(None, numbering, top.heading if top else "Văn bản", len(sections))
    return sections[key]


def _attach_targets(candidates: list[_Candidate], loose: list[_Sentence]) -> list[ReadingWarning]:
    """A target belongs to the task it is written with, else to the nearest task under the same
    heading, else to a task under a heading about the same area; what is left is reported."""
    left: list[str] = []
    for sentence in loose:
        node = sentence.node
        owner = _same_item(candidates, node) or _same_heading(candidates, sentence) \
            or _same_area(candidates, node)
        if owner is None:
            left.extend(sentence.targets)
            continue
        for target in sentence.targets:
            if target not in owner.targets:
                owner.targets.append(target)
    if not left:
        return []
    listed = "; ".join(f"“{_short(t, 80)}”" for t in left[:5]) + (" …" if len(left) > 5 else "")
    return [ReadingWarning(
        "prose_targets",
        f"{len(left)} chỉ tiêu trong văn bản không gắn được với nhiệm vụ đề xuất nào: {listed}.",
        f"{len(left)} targets in the text could not be attached to any proposed task: {listed}.")]


def _same_item(candidates: list[_Candidate], node: _Node) -> _Candidate | None:
    return next((c for c in candidates if c.sentence.node is node), None)


def _heading_of(node: _Node) -> _Node | None:
    return next((a for a in node.ancestors() if a.kind in ("roman", "num", "letter")), None)


def _same_heading(candidates: list[_Candidate], sentence: _Sentence) -> _Candidate | None:
    heading = _heading_of(sentence.node)
    if heading is None:
        return None
    near = [c for c in candidates if _heading_of(c.sentence.node) is heading]
    return min(near, key=lambda c: abs(c.sentence.line - sentence.line)) if near else None


def _same_area(candidates: list[_Candidate], node: _Node) -> _Candidate | None:
    heading = _heading_of(node)
    if heading is None:
        return None
    best, best_score = None, 0.0
    for candidate in candidates:
        other = _heading_of(candidate.sentence.node)
        if other is None or other is heading:
            continue
        score = _area_score(heading.text, other.text)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 0.5 else None


def _task(candidate: _Candidate, section: SectionReading, number: str, index: int,
          tcth_only: bool, context: PlanContext) -> TaskReading:
    sentence = candidate.sentence
    line = sentence.line
    owner, deadline = candidate.owner, candidate.deadline
    reading = deadline.reading if deadline else read_deadline("", context)
    warnings = [ReadingWarning(
        "prose_task",
        (f"Dòng {line}: nhiệm vụ có thời hạn đọc từ phần “{section.title}” (văn xuôi); "
         "cần xác nhận trước khi theo dõi.") if tcth_only else
        (f"Dòng {line}: nhiệm vụ đề xuất từ nội dung văn bản (độ tin cậy {candidate.confidence:.2f}: "
         f"{candidate.reason}); cần xác nhận trước khi theo dõi."),
        (f"Line {line}: a dated task read from the prose of “{section.title}”; confirm it "
         "before tracking it.") if tcth_only else
        (f"Line {line}: a task proposed from the text (confidence {candidate.confidence:.2f}); "
         "confirm it before tracking it."))]
    lead = owner.reading.lead if owner else []
    coordinate = list(owner.reading.coordinate) if owner else []
    if owner is not None and owner.source != "own":
        # Under an agency's heading or lead-in, those the duty says it is done with coordinate.
        known = {m.text for m in lead} | {m.text for m in coordinate}
        coordinate += [m for m in partners_in(sentence.text, sentence.folded) if m.text not in known]
    if owner is None:
        warnings.append(ReadingWarning(
            "missing_owner", f"Dòng {line}: không có cơ quan thực hiện.", f"Line {line}: no owner."))
    elif owner.source == "inferred":
        warnings.append(ReadingWarning(
            "inferred_owner",
            f"Dòng {line}: cơ quan chủ trì “{owner.text}” suy ra từ phần phân công trách nhiệm; "
            "cần xác nhận.",
            f"Line {line}: the lead “{owner.text}” is inferred from the assignment section; confirm it.",
            suggestion=owner.text))
    if owner is not None:
        warnings.extend(owner.reading.warnings)
    warnings.extend(reading.warnings)
    assignment = AssignmentReading(lead=list(lead), coordinate=list(coordinate), output="",
                                   deadline=reading, line=line, warnings=warnings)
    content = re.sub(r"^[-+•]\s*", "", sentence.text).rstrip(" ;")
    prefix = section.numbering
    return TaskReading(ref=f"{prefix}.{number}", section=section, number=number, content=content,
                       position=(10_000 if tcth_only else 0) + index, line=line,
                       raw_rows=[[sentence.node.text]], assignments=[assignment],
                       targets=list(candidate.targets), confidence=candidate.confidence,
                       reason=candidate.reason, reason_en=candidate.reason_en, source_text=sentence.text)


def appendix_deadline(text: str, context: PlanContext) -> DeadlinePhrase | None:
    """The one precise deadline the body gives the tasks of its appendix ("xử lý các kiến
    nghị … (Phụ lục kèm theo), hoàn thành trước ngày 15/12/2025"), for an appendix table
    without a deadline column; None when the body gives none, or several."""
    found = []
    for _line, paragraph in _logical_lines(text, False):
        for sentence in split_sentences(paragraph):
            if "phu luc" not in fold(sentence):
                continue
            strong = [d for d in deadline_phrases(sentence, context) if d.strength >= STRONG
                      and d.reading.kind in (DATE, RANGE)]
            found += strong[:1]
    return found[0] if len({d.reading.due for d in found}) == 1 else None


def read_prose_tasks(text: str, context: PlanContext) -> list[TaskReading]:
    """Dated tasks in a tabular plan's "Tổ chức thực hiện" section (candidates to confirm).

    A letter ("Kính gửi: …") with a table is another thing: the table is an appendix (requests
    to handle, a list of tasks), and the letter's own numbered items hand out duties too."""
    return read_prose(text, context, whole_document=is_letter(text)).tasks


def is_letter(text: str) -> bool:
    """Addressed to someone ("Kính gửi:" near the start): a letter, dispatch or notice."""
    head = "\n".join(text.split("\n")[:60])
    return re.search(r"^\W*k[ií]nh\s+g[uử]i\b", head, re.IGNORECASE | re.MULTILINE) is not None


def _headerless_table() -> NotAPlanError:
    return NotAPlanError(
        "no_table",
        "Có các dòng dạng bảng (ô cách nhau bằng ký tự Tab) nhưng không tìm thấy dòng tiêu đề cột "
        "như “TT | Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực hiện”: hãy thêm dòng "
        "tiêu đề cột cho bảng nhiệm vụ.",
        "Tab-separated rows were found but no header row such as “TT | Nội dung công việc | Cơ quan "
        "chủ trì | ... | Thời gian thực hiện”: add a header row to the task table.")


def read_prose_plan(text: str, name: str, header: PlanHeader, warnings: list[ReadingWarning],
                    calendar: ReportingCalendar | None = None) -> PlanReading:
    """A plan without a task table: its tasks proposed from the text, or ``NotAPlanError``."""
    table_rows = [[c.strip() for c in line.split("\t") if c.strip()] for line in text.split("\n")
                  if len([c for c in line.split("\t") if c.strip()]) >= 3]
    tabled = bool(table_rows)
    context = context_of(header, calendar)
    prose = read_prose(text, context, whole_document=True)
    # Rows that read like tasks (an agency, a deadline) under no header the table reader
    # knows: a task table whose header row is missing. They are proposed, columns guessed
    # (reading only the prose around them would silently drop them).
    from .headerless import read_headerless_rows
    headerless = read_headerless_rows(text, context) if tabled else []
    if headerless:
        prose.tasks = sorted(prose.tasks + headerless, key=lambda t: t.line)
        for position, task in enumerate(prose.tasks):
            task.position = position
        warnings = warnings + [ReadingWarning(
            "headerless_table",
            f"Có {len(headerless)} dòng bảng trông như nhiệm vụ nhưng bảng không có dòng tiêu đề cột (như “TT | "
            "Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực hiện”): chúng được đề xuất, cột được "
            "đoán theo nội dung ô; hãy kiểm tra, hoặc thêm dòng tiêu đề cột rồi tải lên lại.",
            f"{len(headerless)} table rows read like tasks but the table has no header row (such as “TT | "
            "Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực hiện”): they are proposed with their "
            "columns guessed from the cells; check them, or add a header row and upload again.")]
    if not prose.tasks and tabled:
        # Tables of data and no task in the prose either.
        raise _headerless_table()
    if not prose.tasks:
        raise NotAPlanError(
            "no_table",
            "Không tìm thấy bảng nhiệm vụ, cũng không tìm thấy câu nào giao việc hay nêu thời hạn: "
            "cần một bảng có dòng tiêu đề cột như “TT | Nội dung công việc | Cơ quan chủ trì | ... | "
            "Thời gian thực hiện” (các ô cách nhau bằng ký tự Tab), hoặc các câu như “Giao Sở ... "
            "chủ trì ..., hoàn thành trong tháng ...”.",
            "No task table found, and no sentence that assigns work or sets a deadline: a table with "
            "a header row such as “TT | Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực "
            "hiện” (tab-separated cells) is needed, or sentences such as “Giao Sở ... chủ trì ..., "
            "hoàn thành trong tháng ...”.")
    if header.year is None:
        raise NotAPlanError(
            "no_year", "Không xác định được năm của kế hoạch (không có ngày ban hành hay năm trong tiêu đề).",
            "Could not tell the plan's year (no issue date and no year in the title).")
    checked = sum(1 for t in prose.tasks if (t.confidence or 0) >= CHECKED_CONFIDENCE)
    notice = ReadingWarning(
        "prose_plan",
        f"Văn bản không có bảng nhiệm vụ: {len(prose.tasks)} nhiệm vụ được đề xuất từ nội dung văn bản "
        f"({checked} nhiệm vụ có độ tin cậy từ {CHECKED_CONFIDENCE:.1f} trở lên); tác giả kế hoạch cần "
        "xác nhận cơ quan chủ trì và thời hạn của từng nhiệm vụ trước khi theo dõi.",
        f"The document has no task table: {len(prose.tasks)} tasks were proposed from its text "
        f"({checked} with confidence {CHECKED_CONFIDENCE:.1f} or more); the plan's author must confirm "
        "each task's owner and deadline before it is tracked.")
    if tabled and not headerless:
        # Tables of data (monitoring sites, budgets, indicators) are not task tables: the
        # tasks come from the prose, and the author is told the tables were not read as tasks.
        notice_tables = ReadingWarning(
            "not_task_tables",
            "Văn bản có bảng nhưng không bảng nào có dòng tiêu đề của bảng nhiệm vụ (nội dung, cơ quan "
            "chủ trì, thời hạn): các bảng được coi là bảng số liệu, nhiệm vụ được đọc từ lời văn.",
            "The document has tables, but none has the header row of a task table (content, lead, "
            "deadline): they were taken as data tables and the tasks were read from the text.")
        warnings = warnings + [notice_tables]
    if header.title is None:
        header.title = name or "(không có tiêu đề)"
    return PlanReading(header=header, sections=[], tasks=[], source_name=name,
                       warnings=warnings + [notice] + prose.warnings, prose_tasks=prose.tasks)


__all__ = ["CHECKED_CONFIDENCE", "ProseReading", "read_prose", "read_prose_plan", "read_prose_tasks",
           "fold"]
