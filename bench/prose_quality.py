"""Quality of the prose-plan reader: precision and recall per seed against a careful reader's list.

Run it with ``python bench/prose_quality.py`` from the repository root (``-v`` lists what was
missed, misread and proposed without being a task). For every expected list in
``tests/fixtures/prose_expected/<seed-stem>.yaml`` the seed ``seed_plans/<seed>`` is read with
``read_plan`` (the bytes entry point) and its candidates (``PlanReading.prose_tasks``) are
matched to the list (``tests/prose_matching.py``):

  recall     = expected tasks found with the right owner and deadline / expected tasks
  precision  = those found / all candidates (borderline "optional" candidates count against)
  judged     = those found / candidates minus the borderline ones the list names as optional

Nothing is asserted here; ``tests/test_prose.py`` holds the thresholds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.prose_matching import EXPECTED_DIR, load_expected, score  # noqa: E402
from tracker.reading.phrases import CHECKED_CONFIDENCE  # noqa: E402
from tracker.reading.plan import read_plan  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and non-tasks")
    args = parser.parse_args()
    print(f"{'seed':<48} {'expected':>8} {'cand.':>6} {'found':>6} {'recall':>7} {'precision':>9} "
          f"{'judged':>7} {'checked':>8}")
    for path in sorted(EXPECTED_DIR.glob("*.yaml")):
        expected = load_expected(path)
        seed = ROOT / "seed_plans" / expected["seed"]
        reading = read_plan(seed.read_bytes(), seed.name)
        result = score(seed.name, expected, reading.prose_tasks)
        checked = [t for t in reading.prose_tasks if (t.confidence or 0) >= CHECKED_CONFIDENCE]
        checked_right = sum(1 for _, t in result.found if (t.confidence or 0) >= CHECKED_CONFIDENCE)
        print(f"{path.stem:<48} {len(result.required):>8} {len(result.candidates):>6} "
              f"{len(result.found):>6} {result.recall:>7.0%} {result.precision:>9.0%} "
              f"{result.precision_judged:>7.0%} {len(checked):>8}")
        dated = result.recall_of("kind", "dated")
        named = result.recall_of("acceptance", True)
        print(f"{'':<4}dated tasks {dated[0]}/{dated[1]}, named in the issue {named[0]}/{named[1]}, "
              f"optional proposed {len(result.optional)}, misread {len(result.misread)}, "
              f"not tasks {len(result.not_tasks)}; checked by default (≥{CHECKED_CONFIDENCE}): "
              f"{len(checked)} of which {checked_right} expected")
        if args.verbose:
            for entry in result.missed:
                print(f"    missed   line {entry.get('line')}: {entry['words']}")
            for entry, task, why in result.misread:
                print(f"    misread  line {entry.get('line')}: [{task.ref}] {why}")
            for task in result.not_tasks:
                print(f"    not task [{task.ref}] {task.confidence} {task.content[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
