"""get_FOO_display() reads one label in the reader's language and translates no other (fachkraefte.choices)."""

from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.functional import lazy

from applications.models import Event, ExpressionOfInterest, Status
from fachkraefte.choices import ChoiceLabels
from placements.models import Placement, Report


def test_only_the_label_of_the_value_is_translated():
    translated = []

    def translate(text):
        translated.append(text)
        return text.upper()

    label = lazy(translate, str)
    field = SimpleNamespace(attname="colour", flatchoices=[("red", label("red")), ("blue", label("blue"))])
    row = SimpleNamespace(colour="blue")
    assert ChoiceLabels._get_FIELD_display(row, field) == "BLUE"
    assert translated == ["blue"]
    row.colour = "green"  # a value the choices no longer have: shown as it is, as Django does
    assert ChoiceLabels._get_FIELD_display(row, field) == "green"


@pytest.mark.parametrize("language, label", [("de", "Eingereicht"), ("fr", "Soumise"), ("en", "Submitted")])
def test_a_status_reads_in_the_readers_language(language, label):
    eoi = ExpressionOfInterest(status=Status.SUBMITTED)
    with translation.override(language):
        assert eoi.get_status_display() == label


@pytest.mark.parametrize("model", [ExpressionOfInterest, Event, Placement, Report])
def test_the_portals_busiest_models_read_labels_so(model):
    assert issubclass(model, ChoiceLabels)
    field = next(field for field in model._meta.fields if field.choices)
    value = field.flatchoices[-1][0]
    with translation.override("es"):
        assert getattr(model(**{field.attname: value}), f"get_{field.name}_display")() == str(field.flatchoices[-1][1])
