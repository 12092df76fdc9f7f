"""How well the plan reader reads real plans: tests/corpus/ scored against its hand-written keys.

    .venv/bin/python bench/reading_quality.py [--half dev|test|all] [--doc SLUG] [--show]

Per document and in total: labelled tasks, found, owners right, deadline right, exact (both),
and spurious proposals (what the reader proposes that is neither a labelled task nor an
optional one). Table plans are also totalled on their own. The last line is JSON.

Matching (one reader task to at most one labelled task): a reader task is the labelled one
when its text holds every phrase of the key's ``words`` (diacritics, case and line breaks
ignored), the nearest to the key's line when several do, or, failing that, when it starts on
the key's line. Owners are right when every
lead the key names is among the reader's leads and the reader names no other (each compared
by folded text, one containing the other, or by the directory agency it resolved to);
coordinators are not scored. The deadline is right when its kind is the key's and its dates
(``due``, ``start``) or periods agree.

The development half is the one to study while improving the reader; the test half is
reported, not studied (``tests/corpus/split.yaml``, drawn once by a hash of each slug).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.reading.plan import read_plan  # noqa: E402
from tracker.reading.result import NotAPlanError, TaskReading  # noqa: E402
from tracker.reading.text import fold  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SPLIT_FILE = CORPUS / "split.yaml"


def half_of(slug: str) -> str:
    """The half a document belongs to, fixed by its name: a new document never moves another."""
    return "test" if int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 2 else "dev"


def load_keys() -> list[dict]:
    keys = []
    for path in sorted((CORPUS / "keys").glob("*.yaml")):
        key = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not key or not key.get("tasks"):
            continue            # a document still being labelled
        key["slug"] = path.stem
        keys.append(key)
    return keys


def write_split(keys: list[dict]) -> None:
    split = {"dev": sorted(k["slug"] for k in keys if half_of(k["slug"]) == "dev"),
             "test": sorted(k["slug"] for k in keys if half_of(k["slug"]) == "test")}
    SPLIT_FILE.write_text("# Drawn by bench/reading_quality.py --make-split: a document's half is fixed by\n"
                          "# sha256(slug); improve the reader on `dev` only.\n"
                          + yaml.safe_dump(split, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _squash(text: str) -> str:
    return " ".join(fold(text).replace("*", " ").replace("_", " ").split())


def _reader_text(task: TaskReading) -> str:
    return _squash(" ".join(filter(None, (task.content, task.source_text))))


def _leads(task: TaskReading) -> list[tuple[str, str]]:
    found = []
    for assignment in task.assignments:
        for mention in assignment.lead:
            found.append((_squash(mention.text), _squash(mention.agency or "")))
    return found


def _same_owner(key: str, reader: tuple[str, str]) -> bool:
    k = _squash(key)
    return any(r and (k in r or r in k) for r in reader)


def owners_right(key_task: dict, task: TaskReading) -> bool:
    wanted = key_task.get("lead") or []
    got = _leads(task)
    if not wanted:
        return not got or all(not text for text, _agency in got)
    return (all(any(_same_owner(k, r) for r in got) for k in wanted)
            and all(any(_same_owner(k, r) for k in wanted) for r in got))


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def deadline_right(key_task: dict, task: TaskReading) -> bool:
    want = key_task.get("deadline") or {"kind": "unknown"}
    readings = [a.deadline for a in task.assignments] or []
    if not readings:
        return want["kind"] == "unknown"
    got = readings[0]
    kind = {"date": "date", "range": "range", "recurring": "recurring", "continuous": "continuous",
            "event": "event", "external": "external", "unknown": "unknown"}[want["kind"]]
    if got.kind != kind:
        return False
    if kind == "date":
        return got.due == _as_date(want.get("due"))
    if kind == "range":
        return got.due == _as_date(want.get("due")) and (want.get("start") is None
                                                         or got.start == _as_date(want.get("start")))
    if kind == "recurring" and want.get("periods"):
        return set(got.periods) == set(want["periods"])
    return True


@dataclass
class DocumentScore:
    slug: str
    layout: str
    half: str
    labelled: int = 0
    found: int = 0
    owners: int = 0
    deadlines: int = 0
    exact: int = 0
    proposed: int = 0
    spurious: int = 0
    refused: str = ""
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def row(self) -> str:
        pct = (lambda n: f"{100 * n / self.labelled:5.1f}%" if self.labelled else "   — ")
        return (f"{self.slug[:48]:48} {self.layout[:9]:9} {self.half:4} {self.labelled:4} "
                f"{pct(self.found)} {pct(self.owners)} {pct(self.deadlines)} {pct(self.exact)} "
                f"{self.spurious:5}{'  REFUSED: ' + self.refused[:60] if self.refused else ''}")


def _matches(words: list[str], text: str) -> bool:
    return bool(words) and all(_squash(w) in text for w in words)


def score(key: dict, show: bool = False) -> DocumentScore:
    slug = key["slug"]
    result = DocumentScore(slug, key.get("layout") or "?", half_of(slug), labelled=len(key["tasks"]))
    data = (CORPUS / "docs" / f"{slug}.txt").read_bytes()
    started = time.perf_counter()
    try:
        reading = read_plan(data, f"{slug}.txt")
    except NotAPlanError as exc:
        result.refused = exc.message_en
        result.seconds = time.perf_counter() - started
        return result
    result.seconds = time.perf_counter() - started
    proposals = list(reading.tasks) + list(reading.prose_tasks)
    result.proposed = len(proposals)
    texts = [_reader_text(t) for t in proposals]
    taken: set[int] = set()
    for key_task in key["tasks"]:
        words = [str(w) for w in key_task.get("words") or []]
        # Of the reader's tasks holding the phrases, the one nearest the key's line (a phrase
        # may recur in several duties).
        matching = [i for i, t in enumerate(texts) if i not in taken and _matches(words, t)]
        chosen = min(matching, key=lambda i: abs(proposals[i].line - (key_task.get("line") or 0)),
                     default=None)
        if chosen is None:
            chosen = next((i for i, t in enumerate(proposals)
                           if i not in taken and t.line == key_task.get("line")), None)
        if chosen is None:
            result.misses.append(f"  missed  line {key_task.get('line')}: {words[:1]}")
            continue
        taken.add(chosen)
        task = proposals[chosen]
        result.found += 1
        good_owner, good_deadline = owners_right(key_task, task), deadline_right(key_task, task)
        result.owners += good_owner
        result.deadlines += good_deadline
        result.exact += good_owner and good_deadline
        if show and not (good_owner and good_deadline):
            got_leads = [m.text for a in task.assignments for m in a.lead]
            got_deadline = task.assignments[0].deadline if task.assignments else None
            result.misses.append(
                f"  inexact line {key_task.get('line')}: lead {key_task.get('lead')} ← {got_leads}; "
                f"deadline {key_task.get('deadline')} ← "
                f"{(got_deadline.kind, str(got_deadline.due), got_deadline.periods) if got_deadline else None}")
    optional = [[str(w) for w in o.get("words") or []] for o in key.get("optional") or []]
    optional_lines = {o.get("line") for o in key.get("optional") or []}
    for i, task in enumerate(proposals):
        if i in taken:
            continue
        if any(_matches(words, texts[i]) for words in optional) or task.line in optional_lines:
            continue
        result.spurious += 1
        if show:
            result.misses.append(f"  spurious line {task.line}: {task.content[:80]}")
    return result


PAGE_CHARS = 3000       # an A4 page of a plan in 13–14 pt Times New Roman holds about this much text


def time_large_plan(pages: int = 100) -> tuple[int, float]:
    """Seconds to read a ``pages``-page plan: the corpus's texts one after another (as a
    province's plan with many parts would be), read as one document."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "docs").glob("*.txt"))]
    body, i = [], 0
    while sum(len(t) for t in body) < pages * PAGE_CHARS and texts:
        body.append(texts[i % len(texts)])
        i += 1
    data = "\n\n".join(body).encode("utf-8")
    started = time.perf_counter()
    read_plan(data, "ke-hoach-lon.txt")
    return len(data), time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--doc", help="one document (its slug)")
    parser.add_argument("--show", action="store_true", help="list every miss, inexact and spurious task")
    parser.add_argument("--make-split", action="store_true", help="(re)write tests/corpus/split.yaml")
    args = parser.parse_args(argv)
    keys = load_keys()
    if args.make_split:
        write_split(keys)
    if args.doc:
        keys = [k for k in keys if k["slug"] == args.doc]
    elif args.half != "all":
        keys = [k for k in keys if half_of(k["slug"]) == args.half]
    print(f"{'document':48} {'layout':9} {'half':4} {'lab':>4} {'found':>6} {'owner':>6} {'dline':>6} "
          f"{'exact':>6} {'spur':>5}")
    scores = [score(k, args.show) for k in keys]
    for s in scores:
        print(s.row())
        if args.show:
            print("\n".join(s.misses))

    def total(group: list[DocumentScore]) -> dict:
        n = sum(s.labelled for s in group)
        sums = {f: sum(getattr(s, f) for s in group) for f in ("found", "owners", "deadlines", "exact",
                                                                  "spurious", "proposed")}
        return {"documents": len(group), "labelled": n, **sums,
                **{f"{f}_rate": round(sums[f] / n, 4) if n else None
                   for f in ("found", "owners", "deadlines", "exact")},
                "refused": sum(1 for s in group if s.refused)}

    everything = total(scores)
    tables = total([s for s in scores if s.layout == "table"])
    print(f"\nall: {everything['documents']} documents, {everything['labelled']} labelled tasks: "
          f"found {everything['found_rate']}, owners {everything['owners_rate']}, deadlines "
          f"{everything['deadlines_rate']}, exact {everything['exact_rate']}; spurious {everything['spurious']}; "
          f"refused {everything['refused']}")
    print(f"table plans: {tables['documents']} documents, exact {tables['exact_rate']}")
    print(f"slowest read: {max((s.seconds for s in scores), default=0):.2f} s")
    size, seconds = time_large_plan()
    print(f"a 100-page plan ({size // 1024} KB of text): read in {seconds:.2f} s")
    print(json.dumps({"half": args.half, "all": everything, "tables": tables,
                      "hundred_pages_seconds": round(seconds, 3)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
