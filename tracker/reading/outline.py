"""Plans written as an outline: numbered items with labelled lines, duties grouped by agency.

Most plans and directives have no task table. Their body is an outline: Roman sections,
numbered items (1., 1.1., a), dashes and "+"), where a duty's owner and time are given

- by **labelled lines** under the item ("- Cơ quan chủ trì: Sở Tư pháp.", "Đơn vị phối hợp:
  …", "Thời gian thực hiện: Quý II/2025", "Sản phẩm: …"), sometimes one block serving the
  several items above it, sometimes inside the item ("(Cơ quan chủ trì: …; thời gian: …)");
- by an **agency heading** the duties sit under ("1. Sở Nội vụ:", "b) Công an tỉnh chủ trì,
  phối hợp …:", "- Sở Y tế: …"): the heading agency leads every duty under it, even one that
  says it "phối hợp với" someone (those coordinate);
- or in the duty's own sentence ("Sở Tài chính chủ trì …, hoàn thành trước ngày 30/6/2025").

This reader builds the tree (``paragraphs`` joins text that a crawl or a conversion wrapped,
``outline`` nests it), attaches labelled fields to the item they belong to, inherits them
downwards, and proposes the lowest items that carry a duty. Each proposal says why it was
made and how sure the reader is. Sections of purpose, objectives, targets and funding hold
no tasks. Owners and deadlines are read by the same readers as table cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .deadlines import read_deadline
from .owners import _starts_agency, fold_chars, read_owners
from .phrases import (
    BOILERPLATE,
    CONFIDENCE,
    MAPPING,
    MEDIUM,
    STRONG,
    DeadlinePhrase,
    OwnerPhrase,
    deadline_phrases,
    masked_fold,
    owner_in_sentence,
    pure_owner,
    split_sentences,
    title_key,
    vague_if_generic,
)
from .result import (
    AssignmentReading,
    DeadlineReading,
    OwnerMention,
    OwnerReading,
    PlanContext,
    ReadingWarning,
    SectionReading,
    TaskReading,
)
from .text import clean, fold

# --- paragraphs --------------------------------------------------------------------------------
_MARKDOWN = re.compile(r"[*#_>]|\\(?=[-.])")
# (Matched folded: a scan's text recognition drops diacritics, "Noi nhận:".)
_CLOSING = re.compile(r"^(noi nhan|tm\.|tm |kt\.|kt |t/m)")
# After a signature, the body goes on where an attached document starts: an appendix, or the
# plan a decision issues ("KẾ HOẠCH" on its own line after the decision's signature).
_ATTACHED = re.compile(r"^(?:phụ lục\b|(?:kế hoạch|chương trình|đề án|quy chế|danh mục)\s*$)", re.IGNORECASE)
_END = re.compile(r"[.;:!?…”\")]\s*$")
# What a page leaves in converted text: a break marker, a bare page number ("2", "- 3 -",
# "Trang 4/12"). A paragraph the page cut goes on after it.
# Item numbers a scan's text recognition misread: "©)" for "c)", "Il." or "I1." for "II.".
_OCR_LETTER = re.compile(r"^©\s*\)")
_OCR_ROMAN = re.compile(r"^(?P<num>[IVX]*[l1][IVXl1]*|[l1][IVX]+)\s*\.\s+(?=[A-ZĐÀ-Ỹ]{2})")


def _ocr_markers(line: str) -> str:
    line = _OCR_LETTER.sub("c)", line)
    roman = _OCR_ROMAN.match(line)
    if roman and len(roman.group("num")) <= 4 and re.search(r"[IVXl]", roman.group("num")) \
            and line[roman.end():].isupper():
        numeral = roman.group("num").replace("l", "I").replace("1", "I")
        line = f"{numeral}. {line[roman.end():]}"
    return line


# Numbering no wrapped sentence starts a line with: "1.2. Đối với …", "II. NHIỆM VỤ".
_STRONG_MARKER = re.compile(r"^(?:[IVX]{1,5}\.\s+[A-ZĐÀ-Ỹ]{2}|\d{1,2}\.\d{1,2}(?:\.\d{1,2})*\.\s+[A-ZĐÀ-Ỹ])")
_PAGE_FURNITURE = re.compile(r"^(?:-{2,}\s*page\s*break\s*-{2,}|\f|[-–]?\s*\d{1,3}\s*[-–]?|"
                             r"trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?)$", re.IGNORECASE)

_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\s*[.:)]\s*(?P<text>\S.*)$")
# ("1/ …" in older documents and letters; a slash then a space, never a date's "6/2024".)
_NUM = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\s*(?:[.)]|/(?=\s))\s*(?P<text>\S.*)$"
                  r"|^(?P<num2>\d{1,2}(?:\.\d{1,2})+)\s+(?P<text2>\S.*)$")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\s*\)\s*(?P<text>\S.*)$")
_DASH = re.compile(r"^[-–—•]\s*(?P<text>\S.*)$")
_PLUS = re.compile(r"^\+\s*(?P<text>\S.*)$")
_MARKERS = (("roman", _ROMAN), ("num", _NUM), ("letter", _LETTER), ("dash", _DASH), ("plus", _PLUS))
_LEVELS = {"roman": 0, "letter": 7, "dash": 8, "plus": 9, "para": 10}


@dataclass
class Paragraph:
    line: int       # 1-based line where it starts
    text: str       # cleaned, markdown marks removed, wrapped lines joined
    addressees: bool = False    # "Kính gửi: …" and the names under it: whom a letter is sent to


def _marker(text: str) -> bool:
    """Does the line start an item (a lone "-" too: a conversion put its text on the next line)?"""
    return text in ("-", "–", "+", "•") or any(p.match(text) for _n, p in _MARKERS)


def is_label_only(text: str) -> bool:
    """A line that is only labelled fields ("- Cơ quan chủ trì: Sở Nội vụ."): an item's, never a
    task itself. (Also a label a conversion cut: "Đơn vị chủ trì thực hiện: Sở" / "Nội vụ.")"""
    content, fields = split_fields(text.lstrip("-+• "))
    return not content and fields.any()


def paragraphs(text: str) -> list[Paragraph]:
    """The document's paragraphs, outside tables and the closing block.

    A crawled or converted text is either one paragraph a line, or hard-wrapped with blank
    lines between paragraphs; in the second form every line of a block is joined (a wrapped
    line may even start with "- 2030"), unless the line before ends a sentence and the next
    starts an item. A line broken by a page break goes on in lower case on the next line.
    """
    lines = text.split("\n")
    nonblank = sum(1 for line in lines if line.strip())
    # Hard-wrapped: lines that often go on in lower case (blank lines between paragraphs or not).
    running_on = sum(1 for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()[:1].islower())
    wrapped = bool(nonblank) and running_on >= 0.15 * nonblank
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    width = lengths[len(lengths) * 4 // 5] if lengths else 80     # the wrap width: most full lines reach it
    previous_raw = ""
    out: list[Paragraph] = []
    closing, in_block, after_page, addressing = False, False, False, False
    for number, raw in enumerate(lines, start=1):
        if "\t" in raw or raw.lstrip().startswith("|"):
            in_block = False
            continue                            # table rows are the table reader's
        line = _ocr_markers(clean(_MARKDOWN.sub(" ", raw)))
        if _PAGE_FURNITURE.match(raw.strip()):
            after_page = True
            continue
        if not line:
            in_block = False
            continue
        if _CLOSING.match(fold(line)):
            closing = True
            continue
        if closing:
            if not (_ATTACHED.match(line) and (line.isupper() or line[:1].isupper() and "lục" in line.lower())):
                continue
            closing = False
        if _ADDRESSED.match(fold(line)):
            # "Kính gửi: …": the addressees, on this line, its lower-case continuation and the
            # dashed lines under it; the first other line starts the letter itself.
            out.append(Paragraph(number, line, addressees=True))
            addressing, in_block, previous_raw = True, True, line
            continue
        if addressing:
            # The list goes on in lower case, or with another name after an unfinished line
            # ("Kính gửi: Các sở, ban, ngành tỉnh và" / "Ủy ban nhân dân các xã, phường").
            if (line[:1].islower() and not _marker(line)
                    or not _END.search(out[-1].text) and _starts_agency(line) and len(line.split()) <= 12):
                out[-1].text = f"{out[-1].text} {line}"
                continue
            if re.match(r"^[-–+•]", line):
                out.append(Paragraph(number, line, addressees=True))
                continue
            addressing = False
            out.append(Paragraph(number, line))
            in_block, previous_raw = True, line
            continue
        previous = out[-1].text if out else ""
        # A short line before an item that starts with a capital ("b) Bộ Tài chính" / "- Trình
        # Chính phủ …") is a heading, not a wrapped line ("… giai đoạn 2026" / "- 2030 …").
        heading_before = (len(previous_raw) < 0.6 * width and _marker(line)
                          and (re.match(r"^\S+\s+[A-ZĐÀ-Ỹ]", line) is not None or line in ("-", "–", "+", "•")))
        previous_raw = line
        if after_page and out and not _END.search(previous) and not _marker(line) and not closing:
            out[-1].text = f"{previous} {line}"         # the sentence the page cut
        elif out and in_block and wrapped and not heading_before and not _STRONG_MARKER.match(line) \
                and not (_END.search(previous) and (_marker(line) or line[:1].isupper()
                                                    and not previous.endswith(";"))):
            # (After ";" a capital is a name the enumeration goes on with: "các Bộ: Xây dựng;
            # Khoa học và Công nghệ …".)
            out[-1].text = f"{previous} {line}"
        elif (out and not _END.search(previous)
              and ((line[:1].islower() or line[:1].isdigit()) and not _marker(line)
                   or not wrapped and (re.match(r"^[-–]\s*\d", line) or is_label_only(previous)
                                       and not _marker(line) and not _LABEL.match(fold_chars(line))))):
            # Lower case or a number goes on ("… trước ngày" / "15/10/2024:"), after a blank line
            # too (a conversion's stray break); so does "- 2030 …" after "giai đoạn 2026".
            out[-1].text = f"{previous} {line}"
        else:
            out.append(Paragraph(number, line))
        in_block, after_page = True, False
    # "3." alone, then the item's text: one item.
    merged: list[Paragraph] = []
    for paragraph in out:
        if merged and re.fullmatch(r"(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.)]|[-–+•]", merged[-1].text):
            merged[-1].text = f"{merged[-1].text} {paragraph.text}"
            continue
        merged.append(paragraph)
    merged = _without_addressees(merged)
    return [piece for paragraph in merged for piece in _enumerated(paragraph)]


# The addressees of a letter or dispatch: "Kính gửi: …" (marked as the lines are read) and
# "THỦ TƯỚNG CHÍNH PHỦ điện:" with the dashed names under it. Whom a letter is sent to, not duties.
_ADDRESSED = re.compile(r"^kinh\s*gui\b")


def _sends(paragraph: Paragraph) -> bool:
    """"… BỘ XÂY DỰNG điện:": the sender in capitals (a wrapped title may run into it)."""
    return bool(re.search(r"\sdien\s*:\s*$", fold(paragraph.text))) \
        and paragraph.text.rsplit(" điện", 1)[0].isupper()


def _without_addressees(paragraphs_: list[Paragraph]) -> list[Paragraph]:
    kept: list[Paragraph] = []
    addressees = False
    for index, paragraph in enumerate(paragraphs_):
        if paragraph.addressees:
            continue
        if index < 40 and _sends(paragraph):
            addressees = True
            continue
        if addressees and re.match(r"^[-–+•]", paragraph.text):
            continue
        addressees = False
        kept.append(paragraph)
    return kept


# "(i) …; (ii) …": duties enumerated inside one paragraph, each its own item.
_INLINE_ENUM = re.compile(r"\s\((?:i{1,3}|iv|vi{0,3}|ix|x)\)\s+")


def _enumerated(paragraph: Paragraph) -> list[Paragraph]:
    parts = _INLINE_ENUM.split(paragraph.text)
    if len(parts) < 3:
        return [paragraph]
    head, items = parts[0].strip(), [p.strip() for p in parts[1:] if p.strip()]
    return [Paragraph(paragraph.line, head)] + [Paragraph(paragraph.line, f"+ {item}") for item in items]


# --- labelled fields --------------------------------------------------------------------------
# "Cơ quan chủ trì:", "Đơn vị chủ trì tham mưu thực hiện:", "Cơ quan/đơn vị phối hợp:", "Chủ trì:"
_OWNER_LABEL = (r"(?:(?:co\s*quan|don\s*vi|cq|dv)(?:\s*/\s*(?:co\s*quan|don\s*vi))?\s*)?"
                r"(?:chu\s*tri|thuc\s*hien|phoi\s*hop|tham\s*muu|phu\s*trach|trien\s*khai)"
                r"(?:\s*(?:,|va)?\s*(?:tham\s*muu|thuc\s*hien|phoi\s*hop|chu\s*tri|trien\s*khai))*")
_TIME_LABEL = (r"(?:thoi\s*gian|thoi\s*han|tien\s*do)(?:\s*(?:thuc\s*hien|hoan\s*thanh|trien\s*khai|"
               r"bao\s*cao|trinh))*")
_OUTPUT_LABEL = r"(?:du\s*kien\s*)?(?:san\s*pham|ket\s*qua)(?:\s*(?:dau\s*ra|du\s*kien|dat\s*duoc))*"
_LABEL = re.compile(rf"(?:^|(?<=[(;.,]))\s*(?P<label>{_OWNER_LABEL}|{_TIME_LABEL}|{_OUTPUT_LABEL})\s*:\s*",
                    re.ASCII)


@dataclass
class Fields:
    lead: str = ""
    coordinate: str = ""
    time: str = ""
    output: str = ""

    def any(self) -> bool:
        return bool(self.lead or self.coordinate or self.time or self.output)

    def over(self, below: Fields) -> Fields:
        """These fields where set, else ``below``'s (inheritance from a heading)."""
        return Fields(self.lead or below.lead, self.coordinate or below.coordinate,
                      self.time or below.time, self.output or below.output)


def split_fields(text: str) -> tuple[str, Fields]:
    """An item's own words and the labelled fields written in it."""
    folded = fold_chars(text)
    matches = [m for m in _LABEL.finditer(folded)]
    if not matches:
        return text, Fields()
    fields = Fields()
    content = text[:matches[0].start()].strip(" (;,.")
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end():end].strip(" ;,.")
        value = re.sub(r"\)\s*$", "", value) if "(" not in value else value
        label = match.group("label")
        if re.match(_TIME_LABEL, label):
            fields.time = fields.time or value
        elif re.match(_OUTPUT_LABEL, label):
            fields.output = fields.output or value
        elif "phoi" in label:
            fields.coordinate = fields.coordinate or value
        else:
            fields.lead = fields.lead or value
    return content, fields


# --- the tree ------------------------------------------------------------------------------------
_NOT_TASKS = re.compile(
    r"^(su can thiet|co so|can cu|muc dich|yeu cau|quan diem|muc tieu|chi tieu|thuc trang|tinh hinh|"
    r"ket qua (dat duoc|thuc hien)|danh gia|nguyen nhan|han che|kinh phi|nguon (kinh phi|von)|"
    r"doi tuong|pham vi|noi dung (tong kiem ke|kiem ke)|giai thich|(cac )?hanh vi vi pham|xu phat|"
    r"muc phat|che tai|thong tin lien he)\b")


# A new part of the document, whatever came before: an appendix, or a decision's article
# ("Điều 2. Quyết định này có hiệu lực …"). Nothing carries over into it.
_NEW_PART = re.compile(r"^(?:phụ lục\b|điều\s+\d+\s*\.)", re.IGNORECASE)


def starts_part(text: str) -> bool:
    return _NEW_PART.match(text) is not None


@dataclass
class Node:
    kind: str                      # roman, num, letter, dash, plus, para, root
    level: int
    number: str
    text: str                      # the item's own words (labels split off)
    line: int
    fields: Fields = field(default_factory=Fields)
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def is_label_only(self) -> bool:
        return not self.text and self.fields.any()

    @property
    def items(self) -> list[Node]:
        return [c for c in self.children if not c.is_label_only]

    def ancestors(self):
        node = self.parent
        while node is not None and node.kind != "root":
            yield node
            node = node.parent


def item_marker(text: str) -> tuple[str, str, str, int]:
    """(kind, number, text after the marker, nesting level) of a paragraph: "II. …" is
    roman, "1.2. …" num (deeper with each part), "a) …" letter, "- …" dash, "+ …" plus,
    anything else a paragraph, nested under the item before it."""
    for name, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            number = groups.get("num") or groups.get("num2") or ""
            body = groups.get("text") or groups.get("text2") or ""
            return name, number, body, len(number.split(".")) if name == "num" else _LEVELS[name]
    return "para", "", text, _LEVELS["para"]


def markers(texts: list[str]) -> list[tuple[str, str, str, int]]:
    """``item_marker`` of each paragraph, with two corrections of the nesting: a new part of
    the document ("Phụ lục", "Điều 2.") is a top section, and a lead-in paragraph ("…, Tổng cục
    yêu cầu Cục Thuế các tỉnh thực hiện các giải pháp sau:") stands beside the items it leads,
    not under the item before it (which a plain paragraph would continue)."""
    found = []
    for text in texts:
        kind, number, body, level = item_marker(text)
        if kind == "para" and starts_part(text):
            kind, level = "roman", 0
        found.append((kind, number, body, level))
    for i, (kind, number, body, level) in enumerate(found[:-1]):
        following = found[i + 1]
        if kind == "para" and body.rstrip().endswith(":") and following[0] != "para" and following[3] < level:
            found[i] = (kind, number, body, following[3])
    return found


def outline(paragraphs_: list[Paragraph]) -> Node:
    root = Node("root", -1, "", "", 0)
    stack = [root]
    for paragraph, (kind, number, body, level) in zip(paragraphs_, markers([p.text for p in paragraphs_])):
        content, fields = split_fields(body.strip())
        node = Node(kind, level, number, content, paragraph.line, fields)
        while stack[-1].level >= level:
            stack.pop()
        node.parent = stack[-1]
        stack[-1].children.append(node)
        stack.append(node)
    _attach_labels(root)
    return root


def _walk(node: Node):
    for child in node.children:
        yield child
        yield from _walk(child)


def _attach_labels(root: Node) -> None:
    """Label-only lines give their fields to the item they stand under; a block that closes a
    run of sibling items without fields of their own serves all of them."""
    for node in list(_walk(root)):
        labels = [c for c in node.children if c.is_label_only]
        for label in labels:
            node.fields = node.fields.over(label.fields)
    # Labels at the same level as the item before them (a paragraph, then paragraphs of
    # labels): they are that item's.
    for node in [root, *_walk(root)]:
        previous = None
        for child in node.children:
            if child.is_label_only and previous is not None and child.level == previous.level \
                    and not previous.is_label_only:
                previous.fields = previous.fields.over(child.fields)
            elif not child.is_label_only:
                previous = child
    for node in list(_walk(root)):
        if not node.fields.any() or node.parent is None:
            continue
        siblings = node.parent.items
        index = siblings.index(node) if node in siblings else -1
        j = index - 1
        while j >= 0 and siblings[j].kind == node.kind and not siblings[j].fields.any() \
                and not any(d.fields.any() for d in _walk(siblings[j])) and not siblings[j].items:
            siblings[j].fields = node.fields
            j -= 1


def _skipped(node: Node) -> bool:
    """Inside a section of purpose, objectives, targets or funding: no tasks there."""
    for heading in [node, *node.ancestors()]:
        # (The title first: listing a long section's items for every item in it is quadratic.)
        if heading.kind in ("roman", "num", "letter") and _NOT_TASKS.match(title_key(heading.text)) and heading.items:
            return True
    return False


# --- proposals ------------------------------------------------------------------------------------
@dataclass
class Context:
    owner: OwnerPhrase | None = None          # from an agency heading or a lead-in
    fields: Fields = field(default_factory=Fields)
    deadline: DeadlinePhrase | None = None     # a heading's own deadline phrase


@dataclass
class Proposal:
    node: Node
    content: str
    lead: list[OwnerMention]
    coordinate: list[OwnerMention]
    deadline: DeadlineReading
    output: str
    confidence: float
    reason: str
    source: str
    reason_en: str = ""


def _sentence(text: str) -> str:
    """A reason as a sentence: its first letter capital, the quoted names as written."""
    return text[:1].upper() + text[1:]


def _owner_of_heading(node: Node) -> OwnerPhrase | None:
    """An agency heading: "Sở Nội vụ:", "Công an tỉnh chủ trì, phối hợp với …:", "Sở Tài
    chính - Cơ quan thường trực Ban Chỉ đạo", "Sở Y tế (cơ quan thường trực)"."""
    text = node.text
    name = re.split(r"\s+[-–]\s+|\s*\(", text, maxsplit=1)[0]
    owner = pure_owner(text) or (pure_owner(name) if name != text and node.items else None)
    if owner is not None:
        return owner
    sentences = split_sentences(text) or [text]
    last = sentences[-1]
    if node.items and len(last.split()) <= 40:
        folded = masked_fold(last)
        found = owner_in_sentence(last, folded, [])
        if found is not None and found.end <= 3 * len(last) // 4:
            return found
    return None




def _named_first(text: str, owner: OwnerPhrase) -> bool:
    """Does the item open with the owner's name ("Sở X: …", "Sở X chủ trì …")?"""
    return fold(text.lstrip("-+• ")).startswith(fold(owner.text)[:12])


def _field_owners(fields: Fields) -> OwnerReading:
    reading = read_owners(fields.lead, fields.coordinate or None)
    reading.lead = [vague_if_generic(m) for m in reading.lead]
    return reading


def read_outline(text: str, context: PlanContext) -> tuple[list[Proposal], set[int]]:
    """Proposed tasks of an outline, and the lines they cover (for the sentence reader)."""
    root = outline(paragraphs(text))
    proposals: list[Proposal] = []
    covered: set[int] = set()

    def visit(node: Node, ctx: Context) -> None:
        for child in node.items:
            if child.kind == "roman":
                visit(child, Context())          # a new section: nothing carries over
                continue
            fields = child.fields.over(ctx.fields)
            if _skipped(child):
                continue
            if child.items:
                owner = _owner_of_heading(child) or ctx.owner
                own = deadline_phrases(child.text, context)
                strong = [d for d in own if d.strength >= MEDIUM]
                deadline = max(strong, key=lambda d: d.strength) if strong else ctx.deadline
                # Fields written on a heading that also has its own duty text and only
                # content lists under it: the heading is the task.
                if child.fields.any() and not any(g.fields.any() for g in child.items) \
                        and _owner_of_heading(child) is None:
                    _propose(child, Context(ctx.owner, fields, deadline), proposals, covered, context,
                             extra=" ".join(g.text for g in child.items))
                    continue
                visit(child, Context(owner, fields, deadline))
                continue
            _propose(child, Context(ctx.owner, fields, ctx.deadline), proposals, covered, context)

    visit(root, Context())
    return proposals, covered


# "Thường xuyên; riêng việc tổ chức hội nghị hoàn thành trong quý III/2024": one time line for
# several items, with an exception for one of them.
_EXCEPT = re.compile(r"^\s*riêng\s+(?:việc\s+|nhiệm\s+vụ\s+|nội\s+dung\s+)?(?P<what>.+?)\s*[:,]?\s*"
                     r"(?:hoàn\s+thành\s+|xong\s+|thực\s+hiện\s+)?(?P<when>(?:trước|trong|chậm\s+nhất|vào|từ|"
                     r"năm|quý|tháng|ngày)\b.*)$", re.IGNORECASE)


def time_for(time: str, item: str) -> str:
    """The part of a shared time line that is the item's: its exception ("riêng việc X …")
    when the item is X, else what comes before the exceptions."""
    clauses = [c.strip() for c in re.split(r"\s*;\s*", time) if c.strip()]
    if len(clauses) < 2:
        return time
    words = set(fold(item).split())
    general = [c for c in clauses if not _EXCEPT.match(c)]
    for clause in clauses:
        match = _EXCEPT.match(clause)
        if match:
            what = [w for w in fold(match.group("what")).split() if len(w) > 2]
            if what and sum(w in words for w in what) >= max(2, (len(what) + 1) // 2):
                return match.group("when")
    return "; ".join(general) if general else time


def _propose(node: Node, ctx: Context, proposals: list[Proposal], covered: set[int],
             context: PlanContext, extra: str = "") -> None:
    text = node.text.strip()
    if not (ctx.fields.lead or ctx.fields.time):
        # No labelled line: the sentence reader decides (lead-ins, owners in the sentence,
        # owners inferred from the assignment section, targets).
        return
    if len(text.split()) < 4 or text.endswith(":") or BOILERPLATE.match(fold(text)):
        return
    folded = masked_fold(text)
    own_deadlines = deadline_phrases(text, context, folded)
    if MAPPING.search(folded) and not any(d.strength >= STRONG for d in own_deadlines):
        return          # "Sở Tài chính chủ trì các nhiệm vụ về …": who leads a part, not a duty
    sentence_owner = owner_in_sentence(text, folded, own_deadlines)
    reasons = []
    lead: list[OwnerMention] = []
    coordinate: list[OwnerMention] = []
    owner_source = None
    if ctx.fields.lead:
        reading = _field_owners(ctx.fields)
        lead, coordinate = reading.lead, reading.coordinate
        owner_source = "label"
        reasons.append((f"cơ quan chủ trì ghi “{ctx.fields.lead[:60]}”", f"lead written “{ctx.fields.lead[:60]}”"))
    elif sentence_owner is not None and _named_first(text, sentence_owner):
        # The item names its own agency first ("+ Sở Xây dựng: hướng dẫn …"): more precise
        # than the heading it stands under.
        lead, coordinate = sentence_owner.reading.lead, sentence_owner.reading.coordinate
        owner_source = "heading" if ctx.owner is not None else "sentence"
        reasons.append((f"mục ghi rõ “{sentence_owner.text[:60]}”", f"the item names “{sentence_owner.text[:60]}”"))
    elif ctx.owner is not None:
        lead = list(ctx.owner.reading.lead)
        coordinate = list(ctx.owner.reading.coordinate)
        if sentence_owner is not None:
            coordinate += [m for m in sentence_owner.reading.coordinate if m not in coordinate]
        owner_source = "heading"
        reasons.append((f"nhiệm vụ thuộc mục của “{ctx.owner.text[:60]}”",
                        f"under the part of “{ctx.owner.text[:60]}”"))
    elif sentence_owner is not None:
        lead, coordinate = sentence_owner.reading.lead, sentence_owner.reading.coordinate
        owner_source = "sentence"
        reasons.append((f"câu giao việc cho “{sentence_owner.text[:60]}”",
                        f"a sentence assigning it to “{sentence_owner.text[:60]}”"))
    if ctx.fields.coordinate and owner_source != "label":
        coordinate = coordinate + read_owners("", ctx.fields.coordinate).coordinate
    if ctx.fields.time:
        time = time_for(ctx.fields.time, text)
        deadline = read_deadline(time, context)
        reasons.append((f"thời gian ghi “{time[:50]}”", f"time written “{time[:50]}”"))
        strength = STRONG
    elif own_deadlines:
        best = max(own_deadlines, key=lambda d: d.strength)
        deadline, strength = best.reading, best.strength
        reasons.append((f"thời hạn “{best.text}” trong câu", f"deadline “{best.text}” in the sentence"))
    elif ctx.deadline is not None:
        deadline, strength = ctx.deadline.reading, ctx.deadline.strength
        reasons.append((f"thời hạn “{ctx.deadline.text}” của mục", f"the item's deadline “{ctx.deadline.text}”"))
    else:
        deadline, strength = read_deadline("", context), 0
    if not lead:
        return                                  # nobody named: the sentence reader decides
    vague = bool(lead) and all(m.vague for m in lead)
    if owner_source in ("label", "heading"):
        confidence = 0.9 if not vague else 0.75
    elif owner_source == "sentence":
        row = CONFIDENCE["vague" if vague else "explicit"]
        confidence = row[min(strength, 3)] or 0.6
    else:
        confidence = CONFIDENCE["none"][min(strength, 3)] or 0.4
    content = re.sub(r"^[-+•]\s*", "", text).rstrip(" ;")
    if extra:
        content = f"{content} {extra}".strip()
    proposals.append(Proposal(node, content, lead, coordinate, deadline, ctx.fields.output,
                              round(confidence, 2),
                              _sentence("; ".join(vi for vi, _en in reasons)) or "Mục trong văn bản",
                              text, _sentence("; ".join(en for _vi, en in reasons)) or "An item of the document"))
    covered.add(node.line)
    covered.update(d.line for d in _walk(node))


def section_of(node: Node) -> tuple[str, str]:
    """(numbering, heading) of the Roman section an item stands in."""
    top = next((a for a in [node, *node.ancestors()] if a.kind == "roman"), None)
    return (top.number, f"{top.number}. {top.text}") if top else ("VB", "Văn bản")


def to_tasks(proposals: list[Proposal], sections: dict[str, SectionReading], start: int = 0) -> list[TaskReading]:
    """Proposals as the tasks a reading carries (candidates the author confirms); their refs
    are numbered by the caller once every reader's tasks are merged."""
    tasks = []
    for index, proposal in enumerate(proposals, start=1):
        numbering, heading = section_of(proposal.node)
        if numbering not in sections:
            sections[numbering] = SectionReading(None, numbering, heading, len(sections))
        section = sections[numbering]
        line = proposal.node.line
        warnings = [ReadingWarning(
            "prose_task",
            f"Dòng {line}: nhiệm vụ đề xuất từ nội dung văn bản (độ tin cậy {proposal.confidence:.2f}: "
            f"{proposal.reason}); cần xác nhận trước khi theo dõi.",
            f"Line {line}: a task proposed from the text (confidence {proposal.confidence:.2f}); "
            "confirm it before tracking it.")]
        if not proposal.lead:
            warnings.append(ReadingWarning(
                "missing_owner", f"Dòng {line}: không có cơ quan thực hiện.", f"Line {line}: no owner."))
        warnings.extend(proposal.deadline.warnings)
        assignment = AssignmentReading(lead=list(proposal.lead), coordinate=list(proposal.coordinate),
                                       output=proposal.output, deadline=proposal.deadline, line=line,
                                       warnings=warnings)
        number = str(start + index)
        tasks.append(TaskReading(ref=f"{section.numbering}.{number}", section=section, number=number,
                                 content=proposal.content, position=start + index, line=line,
                                 raw_rows=[[proposal.source]], assignments=[assignment],
                                 confidence=proposal.confidence, reason=proposal.reason,
                                 reason_en=proposal.reason_en, source_text=proposal.source))
    return tasks


__all__ = ["Fields", "Node", "Paragraph", "Proposal", "is_label_only", "markers", "outline", "paragraphs",
           "read_outline", "split_fields", "to_tasks", "fold"]
