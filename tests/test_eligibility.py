"""Who may be placed under which specialist model: hand-made cases, no database."""

import datetime

import pytest
from django.utils import translation
from django_countries.fields import Country

from placements import eligibility
from placements.eligibility import EFTA_COUNTRIES, EU_COUNTRIES, EU_EFTA_COUNTRIES, check, hints
from placements.models import Candidate

START = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person(nationalities=("DE",), born=datetime.date(1990, 5, 17), years=5, training=True):
    return Candidate(
        name="Test Person",
        nationalities=list(nationalities),
        date_of_birth=born,
        years_of_experience=years,
        vocational_training=training,
    )


def test_the_country_sets():
    assert len(EU_COUNTRIES) == 27 and len(EFTA_COUNTRIES) == 4
    assert {"DE", "FR", "GR", "HR"} <= EU_COUNTRIES and "GB" not in EU_COUNTRIES
    assert {"IS", "LI", "NO", "CH"} == EFTA_COUNTRIES
    assert EU_EFTA_COUNTRIES == EU_COUNTRIES | EFTA_COUNTRIES


# --- integrated experts (CIM): an EU or EFTA nationality ----------------------------------------


@pytest.mark.parametrize("nationalities", [["DE"], ["PL"], ["CH"], ["NO"], ["IS"], ["LI"], ["US", "FR"], ["ie"]])
def test_integrated_expert_with_an_eu_or_efta_nationality_is_eligible(nationalities):
    assert check(person(nationalities), "integrated", ["NA"], on=START) == []


@pytest.mark.parametrize("nationalities", [["US"], ["GB"], ["NA"], []])
def test_integrated_expert_without_an_eu_or_efta_nationality_is_not(nationalities):
    assert check(person(nationalities), "integrated", ["NA"], on=START) == ["needs an EU or EFTA nationality"]


def test_integrated_expert_has_no_age_or_experience_bar():
    assert check(person(["DE"], born=None, years=0), "integrated", ["NA"], on=START) == []


# --- development workers (GIZ): German or EU citizen, 18+, two years of experience ------------------


def test_development_worker_who_meets_every_rule_is_eligible():
    assert check(person(["DE"]), "development_worker", ["NA"], on=START) == []


def test_development_worker_exactly_18_on_the_start_date_is_eligible():
    assert check(person(born=datetime.date(2009, 3, 1)), "development_worker", [], on=START) == []


def test_development_worker_one_day_short_of_18_is_not():
    reasons = check(person(born=datetime.date(2009, 3, 2)), "development_worker", [], on=START)
    assert reasons == ["must be 18 or older on the start date"]


def test_development_worker_born_on_29_february_turns_18_on_1_march():
    born = datetime.date(2008, 2, 29)
    assert check(person(born=born), "development_worker", [], on=datetime.date(2026, 2, 28))
    assert check(person(born=born), "development_worker", [], on=datetime.date(2026, 3, 1)) == []


def test_development_worker_with_exactly_two_years_is_eligible_one_year_is_not():
    assert check(person(years=2), "development_worker", [], on=START) == []
    assert check(person(years=1), "development_worker", [], on=START) == [
        "needs at least two years of professional experience"
    ]


def test_development_worker_without_date_of_birth_is_told_so():
    assert check(person(born=None), "development_worker", [], on=START) == ["date of birth missing"]


@pytest.mark.parametrize("nationalities", [["CH"], ["NO"], ["US"], []])
def test_development_worker_needs_german_or_eu_citizenship_efta_is_not_enough(nationalities):
    assert check(person(nationalities), "development_worker", [], on=START) == [
        "needs German or another EU citizenship"
    ]


def test_development_worker_with_dual_nationality_one_of_them_eu_is_eligible():
    assert check(person(["US", "AT"]), "development_worker", [], on=START) == []


def test_development_worker_every_reason_at_once():
    reasons = check(person(["US"], born=datetime.date(2015, 1, 1), years=0), "development_worker", [], on=START)
    assert len(reasons) == 3


def test_vocational_training_is_a_hint_for_giz_not_a_bar():
    untrained = person(training=False)
    assert check(untrained, "development_worker", [], on=START) == []
    assert hints(untrained, "development_worker") == ["GIZ usually also asks for completed vocational training"]
    assert hints(person(training=True), "development_worker") == []
    assert hints(untrained, "integrated") == []


# --- local experts: a national of the partner country -----------------------------------------------


def test_local_expert_of_the_partner_country_is_eligible():
    assert check(person(["NA"]), "local", ["NA"], on=START) == []


def test_local_expert_of_another_country_is_not():
    assert check(person(["DE"]), "local", ["NA"], on=START) == ["must be a national of Namibia"]


def test_local_expert_with_dual_nationality_is_eligible():
    assert check(person(["DE", "NA"]), "local", ["NA"], on=START) == []


def test_local_expert_of_any_partner_country_when_there_are_several():
    assert check(person(["GH"]), "local", ["NA", "GH"], on=START) == []
    assert check(person(["DE"]), "local", ["NA", "GH"], on=START) == ["must be a national of Ghana or Namibia"]


def test_partner_countries_may_be_country_objects():
    assert check(person(["NA"]), "local", [Country("NA")], on=START) == []


def test_local_expert_without_a_partner_country_cannot_be_judged():
    assert check(person(["NA"]), "local", [], on=START) == ["no partner country to compare the nationality with"]


def test_the_reasons_are_translated():
    with translation.override("de"):
        reasons = check(person(["DE"]), "local", ["NA"], on=START)
    assert len(reasons) == 1 and "Namibia" in reasons[0]


def test_an_unknown_model_is_an_error():
    with pytest.raises(ValueError):
        check(person(), "volunteer", [], on=START)


def test_start_date_defaults_to_today():
    assert eligibility.check(person(born=datetime.date(1980, 1, 1)), "development_worker", []) == []
