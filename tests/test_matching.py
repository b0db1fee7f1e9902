"""The ranking of candidates against agreed terms of reference: hand-computed scores, no database."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from placements.matching import rank

START = datetime.date(2026, 1, 1)
TERMS = {"start": START, "languages": [{"language": "fr", "level": "B2"}, {"language": "es", "level": "B1"}]}
THEMES = ["climate", "waste"]


def person(name, expertise=(), languages=(), available_from=None, years=0):
    return SimpleNamespace(
        name=name,
        expertise=list(expertise),
        languages=[{"language": code, "level": level} for code, level in languages],
        available_from=available_from,
        years_of_experience=years,
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ranked(*candidates, terms=TERMS, themes=THEMES, on=datetime.date(2025, 6, 1)):
    return rank(candidates, terms, on=on, themes=themes)


def test_a_candidate_who_meets_everything_scores_100():
    full = person(
        "Ada",
        ["climate", "waste", "municipal_services"],
        [("fr", "C1"), ("es", "B2")],
        datetime.date(2025, 12, 1),
        12,
    )
    [match] = ranked(full)
    assert match.score == 100
    assert match.points == {"expertise": 35, "languages": 30, "availability": 20, "experience": 15}
    assert match.reasons == [
        "Expertise: 2 of 2 themes (Climate change, Waste management)",
        "French C1 ≥ B2 required",
        "Spanish B2 ≥ B1 required",
        "Available by the wished start",
        "12 years of professional experience",
    ]


def test_half_the_themes_one_language_missing_three_months_late_five_years():
    # 35 * 1/2 + 30 * 1/2 + 20 * (1 - 3/6) + 15 * 5/10 = 17.5 + 15 + 10 + 7.5
    partial = person("Ben", ["climate"], [("fr", "C1")], START + datetime.timedelta(days=90), 5)
    [match] = ranked(partial)
    assert match.points == {"expertise": 17.5, "languages": 15, "availability": 10, "experience": 7.5}
    assert match.score == 50.0
    assert match.reasons == [
        "Expertise: 1 of 2 themes (Climate change)",
        "French C1 ≥ B2 required",
        "Spanish missing (B1 required)",
        "Available 3 months after the wished start",
        "5 years of professional experience",
    ]


def test_a_lower_level_earns_half_its_share_and_no_date_means_available_now():
    # languages: 15 (French B2 met) + 15 / 2 (Spanish A2 below B1); available today, before the start: 20
    below = person("Cleo", ["municipal_services"], [("fr", "B2"), ("es", "A2")], None, 0)
    [match] = ranked(below)
    assert match.points == {"expertise": 0, "languages": 22.5, "availability": 20, "experience": 0}
    assert match.score == 42.5
    assert "Spanish A2 below the required B1" in match.reasons
    assert "Expertise: 0 of 2 themes" in match.reasons
    assert "0 years of professional experience" in match.reasons


def test_six_months_late_or_more_earns_no_availability_and_experience_is_capped():
    late = person("Dan", available_from=START + datetime.timedelta(days=400), years=30)
    [match] = ranked(late)
    assert match.points["availability"] == 0
    assert match.points["experience"] == 15
    assert "Available 13 months after the wished start" in match.reasons


def test_one_month_late_costs_a_sixth():
    [match] = ranked(person("Eve", available_from=START + datetime.timedelta(days=30)))
    assert match.points["availability"] == pytest.approx(16.7)
    assert "Available 1 month after the wished start" in match.reasons


def test_terms_that_ask_nothing_hold_nothing_against_anyone():
    # No themes, no languages, no start (the reference is `on`): only experience tells them apart.
    [match] = ranked(person("Fay", years=4), terms={}, themes=[], on=datetime.date(2026, 3, 1))
    assert match.score == 35 + 30 + 20 + 6
    assert match.reasons[:3] == [
        "No programme themes asked for",
        "No working language required",
        "Available by the wished start",
    ]


def test_best_first_and_ties_by_name():
    strong = person("Zoe", ["climate", "waste"], [("fr", "C2"), ("es", "C2")], None, 10)
    weak = person("Al", years=1)
    twin_z, twin_a = person("zed", years=3), person("Anna", years=3)
    order = [m.candidate.name for m in ranked(weak, twin_z, strong, twin_a)]
    assert order == ["Zoe", "Anna", "zed", "Al"]


def test_terms_may_be_an_object_with_attributes():
    terms = SimpleNamespace(start=START, languages=[{"language": "de", "level": "C1"}])
    [match] = rank([person("Gus", languages=[("de", "C2")])], terms, on=START)
    assert match.points["languages"] == 30
    assert "German C2 ≥ C1 required" in match.reasons
