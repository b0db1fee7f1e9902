"""`crispy_once`: an empty form drawn once per language; the user's input and its errors drawn every time."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.utils import translation

from applications.messaging import MessageForm
from fachkraefte.templatetags import drawn_once
from placements.models import Activity
from placements.views.portal import ActivityFilter


@pytest.fixture(autouse=True)
def nothing_drawn_yet():
    drawn_once._drawn.clear()
    yield
    drawn_once._drawn.clear()


@pytest.fixture
def draws(monkeypatch):
    """How often crispy drew a form."""
    counted = []

    def counting(form):
        counted.append(form)
        return as_crispy_form(form)

    monkeypatch.setattr(drawn_once, "as_crispy_form", counting)
    return counted


def empty_filter():
    return ActivityFilter(None, queryset=Activity.objects.none()).form


def test_an_empty_form_is_drawn_once_per_language_as_crispy_draws_it(draws):
    with translation.override("de"):
        german = drawn_once.crispy_once(empty_filter(), "activity-filter")
        assert drawn_once.crispy_once(empty_filter(), "activity-filter") == german == as_crispy_form(empty_filter())
    with translation.override("fr"):
        french = drawn_once.crispy_once(empty_filter(), "activity-filter")
        assert drawn_once.crispy_once(empty_filter(), "activity-filter") == french
    assert len(draws) == 2
    assert "Thema" in german and "Thème" in french


def test_a_bound_form_is_drawn_each_time_with_the_input_and_its_errors(draws):
    with translation.override("en"):
        drawn_once.crispy_once(MessageForm(), "eoi-message")
        refused = MessageForm(data={"body": ""})
        assert not refused.is_valid()
        assert "Please write a message." in drawn_once.crispy_once(refused, "eoi-message")
        kept = drawn_once.crispy_once(MessageForm(data={"body": "Wann beginnt die Fachkraft?"}), "eoi-message")
        assert "Wann beginnt die Fachkraft?" in kept
        assert "Wann beginnt" not in drawn_once.crispy_once(MessageForm(), "eoi-message")
    assert len(draws) == 3  # the empty form once, each bound form once


def test_a_changed_setting_is_drawn_anew(settings):
    with translation.override("en"):
        before = drawn_once.crispy_once(MessageForm(), "eoi-message")
        settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
        after = drawn_once.crispy_once(MessageForm(), "eoi-message")
    assert before != after and "1.0\xa0MB" in after
