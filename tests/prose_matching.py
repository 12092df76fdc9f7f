"""Match a prose reader's candidate tasks against an expected list written by a careful reader.

Shared by ``tests/test_prose.py`` and ``bench/prose_quality.py``. The expected lists live in
``tests/fixtures/prose_expected/<seed-stem>.yaml`` (format described in their header).

A candidate matches an entry when all the entry's words appear in its content or source sentence
and its reading is right: one of the entry's lead names appears in one of its lead owners, and
its deadline has the entry's due date (or kind). A candidate whose words match but whose owner or
deadline is wrong is reported as *misread*: it counts neither as found nor as correct.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from tracker.reading.result import TaskReading
from tracker.reading.text import fold

EXPECTED_DIR = Path(__file__).parent / "fixtures" / "prose_expected"


def load_expected(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data.get("required", []) + data.get("optional", []):
        entry["words"] = [str(w) for w in entry["words"]]
        if isinstance(entry.get("due"), date):
            entry["due"] = entry["due"].isoformat()
    return data


def _text(task: TaskReading) -> str:
    return fold(f"{task.content} {task.source_text}")


def words_match(entry: dict, task: TaskReading) -> bool:
    text = _text(task)
    return all(fold(w) in text for w in entry["words"])


def reading_problem(entry: dict, task: TaskReading) -> str | None:
    """Why ``task`` is a wrong reading of ``entry``, or None when it is right."""
    assignment = task.assignments[0]
    if entry.get("lead"):
        leads = [fold(m.text) for m in assignment.lead]
        if not any(fold(name) in lead for name in entry["lead"] for lead in leads):
            return f"chủ trì {[m.text for m in assignment.lead]} ≠ {entry['lead']}"
    deadline = assignment.deadline
    if entry.get("due"):
        got = deadline.due.isoformat() if deadline.due else None
        if got != entry["due"]:
            return f"thời hạn {deadline.text!r} → {got} ≠ {entry['due']}"
    elif entry.get("deadline") and deadline.kind != entry["deadline"]:
        return f"loại thời hạn {deadline.kind} ≠ {entry['deadline']}"
    return None


@dataclass
class Score:
    seed: str
    required: list[dict]
    candidates: list[TaskReading]
    found: list[tuple[dict, TaskReading]] = field(default_factory=list)
    misread: list[tuple[dict, TaskReading, str]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    optional: list[tuple[dict, TaskReading]] = field(default_factory=list)
    not_tasks: list[TaskReading] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Expected tasks found and read right / expected tasks."""
        return len(self.found) / len(self.required) if self.required else 1.0

    @property
    def precision(self) -> float:
        """Candidates that are expected tasks read right / candidates (optional ones count against)."""
        return len(self.found) / len(self.candidates) if self.candidates else 1.0

    @property
    def precision_judged(self) -> float:
        """The same, leaving out the candidates the expected list calls borderline (optional)."""
        judged = len(self.candidates) - len(self.optional)
        return len(self.found) / judged if judged else 1.0

    def recall_of(self, key: str, value) -> tuple[int, int]:
        wanted = [e for e in self.required if e.get(key) == value]
        got = [e for e, _ in self.found if e.get(key) == value]
        return len(got), len(wanted)


def score(seed: str, expected: dict, candidates: list[TaskReading]) -> Score:
    result = Score(seed, list(expected.get("required", [])), list(candidates))
    free = list(candidates)
    for entry in result.required:
        hits = [t for t in free if words_match(entry, t)]
        right = [t for t in hits if reading_problem(entry, t) is None]
        if right:
            result.found.append((entry, right[0]))
            free.remove(right[0])
        elif hits:
            result.misread.append((entry, hits[0], reading_problem(entry, hits[0]) or ""))
            free.remove(hits[0])
        else:
            result.missed.append(entry)
    for entry in expected.get("optional", []):
        hit = next((t for t in free if words_match(entry, t)), None)
        if hit is not None:
            result.optional.append((entry, hit))
            free.remove(hit)
    result.not_tasks = free
    return result
