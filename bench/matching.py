"""Time `placements.matching.rank` on 5,000 synthetic candidates, in memory (no database): `make bench`."""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fachkraefte.settings")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402

from applications.vocabulary import CefrLevel, Theme, WorkingLanguage  # noqa: E402
from placements.matching import rank  # noqa: E402

CANDIDATES = 5_000
RUNS = 7
BUDGET_SECONDS = 1.0
START = datetime.date(2026, 1, 1)


def synthetic_candidates(count, seed=20260101):
    chance = random.Random(seed)  # noqa: S311 - test data, not secrets
    languages, levels, themes = list(WorkingLanguage.values), list(CefrLevel.values), list(Theme.values)
    return [
        SimpleNamespace(
            name=f"Candidate {number:05d}",
            expertise=chance.sample(themes, chance.randint(0, 3)),
            languages=[
                {"language": language, "level": chance.choice(levels)}
                for language in chance.sample(languages, chance.randint(1, 3))
            ],
            available_from=START + datetime.timedelta(days=chance.randint(-120, 300)),
            years_of_experience=chance.randint(0, 25),
        )
        for number in range(count)
    ]


def main():
    candidates = synthetic_candidates(CANDIDATES)
    terms = {"start": START, "languages": [{"language": "fr", "level": "B2"}, {"language": "en", "level": "C1"}]}
    themes = ["climate", "waste", "urban_development"]
    times = []
    with translation.override("de"):
        for _ in range(RUNS):
            began = time.perf_counter()
            ranked = rank(candidates, terms, on=datetime.date(2025, 6, 1), themes=themes)
            times.append(time.perf_counter() - began)
    median = statistics.median(times)
    assert len(ranked) == CANDIDATES
    print(f"matching: rank {CANDIDATES:,} candidates, median of {RUNS} runs: {median * 1000:.0f} ms")
    if median >= BUDGET_SECONDS:
        sys.exit(f"matching is too slow: {median:.2f} s (budget {BUDGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
