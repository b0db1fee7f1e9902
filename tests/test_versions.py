import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from applications.diff import compare, display, word_diff
from applications.models import ExpressionOfInterest, Participant, Version
from partnerships.models import Side


@pytest.fixture
def eoi(partnership, german_contact, german_municipality, partner_municipality):
    eoi = ExpressionOfInterest.objects.create(
        partnership=partnership, specialist_model="local", created_by=german_contact
    )
    Participant.objects.create(eoi=eoi, municipality=german_municipality, side=Side.GERMAN)
    Participant.objects.create(eoi=eoi, municipality=partner_municipality, side=Side.PARTNER)
    return eoi


def keep(eoi, user, number, submitted=False, **changes):
    """A version of the EOI's content with these changes, as services.keep_version would keep it."""
    content = eoi.content() | changes
    return Version.objects.create(
        eoi=eoi, number=number, fingerprint=f"fp-{number}", content=content, created_by=user, submitted=submitted
    )


def url(eoi, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("applications:versions", args=[eoi.pk]) + (f"?{query}" if query else "")


def row_class(html, name):
    match = re.search(rf'<tr id="field-{name}" class="([^"]*)"', html)
    assert match, f"no row for {name}"
    return match.group(1)


def english(user):
    user.preferred_language = "en"
    user.save()
    return user


# --- the diff -----------------------------------------------------------------------------------


def test_word_diff_marks_the_changed_word():
    old, new = word_diff("the old text", "the new text")
    assert old == "the <del>old</del> text"
    assert new == "the <ins>new</ins> text"


def test_word_diff_groups_neighbouring_changes_and_keeps_line_breaks():
    old, new = word_diff("one two three\nfour", "one 2 3\nfour five")
    assert old == "one <del>two three</del>\nfour"
    assert new == "one <ins>2 3</ins>\nfour<ins> five</ins>"


def test_word_diff_escapes():
    old, new = word_diff("a <b>bold</b> claim", "a <script>alert(1)</script> claim")
    assert "<script>" not in new
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in new
    assert "&lt;b&gt;bold&lt;/b&gt;" in old


@translation.override("en")
def test_display_of_coded_values(german_municipality, partner_municipality):
    names = {german_municipality.pk: "Berlin", partner_municipality.pk: "Windhoek"}
    languages = [{"language": "fr", "level": "C1"}, {"language": "en", "level": "B2"}]
    assert display("working_languages", languages, names) == "French C1, English B2"
    assert display("municipalities", [partner_municipality.pk, german_municipality.pk], names) == "Berlin, Windhoek"
    assert display("specialist_model", "local", names) == "Local expert"
    assert display("themes", ["waste", "unknown"], names) == "Waste management, unknown"
    assert display("sdgs", [13], names) == "13 Climate action"
    assert display("motivation", "", names) == ""


def test_compare_marks_changed_rows_only(eoi):
    old = eoi.content() | {"motivation": "the old text"}
    new = old | {"motivation": "the new text", "sdgs": [1]}
    rows = {row.name: row for row in compare(old, new)}
    assert rows["motivation"].changed
    assert rows["motivation"].new == "the <ins>new</ins> text"
    assert rows["sdgs"].changed
    assert not rows["need"].changed
    assert not rows["municipalities"].changed
    assert not any(row.changed for row in compare(None, new))


def test_compare_tolerates_fields_missing_from_old_versions(eoi):
    new = eoi.content() | {"motivation": "now there"}
    old = {key: value for key, value in new.items() if key not in ("motivation", "themes")}
    rows = {row.name: row for row in compare(old, new)}
    assert rows["motivation"].changed
    assert not rows["themes"].changed  # missing and empty are the same: nothing filled in


# --- the page -----------------------------------------------------------------------------------


def test_shows_two_newest_side_by_side_with_changes_highlighted(client, eoi, german_contact):
    keep(eoi, german_contact, 1, motivation="We want to learn.")
    keep(eoi, german_contact, 2, motivation="We want to learn from Windhoek.", need="Water")
    keep(eoi, german_contact, 3, submitted=True, motivation="We want to learn a lot from Windhoek.", need="Water")
    client.force_login(english(german_contact))
    response = client.get(url(eoi), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert (response.context["left"].number, response.context["right"].number) == (2, 3)
    assert "table-warning" in row_class(html, "motivation")
    assert "<ins>a lot </ins>" in html
    assert "table-warning" not in row_class(html, "need")
    assert "version-unchanged" in row_class(html, "need")
    assert "submitted" in html
    assert response.context["changed"] == 1


def test_chosen_versions(client, eoi, german_contact):
    keep(eoi, german_contact, 1, need="Water")
    keep(eoi, german_contact, 2, need="Water")
    keep(eoi, german_contact, 3, need="Waste")
    client.force_login(german_contact)
    response = client.get(url(eoi, a=1, b=2))
    assert (response.context["left"].number, response.context["right"].number) == (1, 2)
    assert "table-warning" not in row_class(response.content.decode(), "need")
    response = client.get(url(eoi, a=1, b=3))
    assert "table-warning" in row_class(response.content.decode(), "need")


def test_user_text_is_escaped(client, eoi, german_contact):
    keep(eoi, german_contact, 1, need="harmless")
    keep(eoi, german_contact, 2, need="<script>alert('x')</script> harmless", places_of_assignment="<b>Rathaus</b>")
    client.force_login(german_contact)
    html = client.get(url(eoi)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>Rathaus</b>" not in html
    assert "&lt;b&gt;Rathaus&lt;/b&gt;" in html


@pytest.mark.parametrize("query", [{"a": "x", "b": "2"}, {"a": "1", "b": "99"}, {"a": "-1"}, {"b": "1.5"}])
def test_bad_parameters_show_the_page_with_a_message(client, eoi, german_contact, query):
    keep(eoi, german_contact, 1)
    keep(eoi, german_contact, 2, need="Water")
    client.force_login(german_contact)
    response = client.get(url(eoi, **query))
    assert response.status_code == 200
    assert response.context["problem"]
    assert 'id="version-problem"' in response.content.decode()
    assert (response.context["left"].number, response.context["right"].number) == (1, 2)


def test_one_version_is_shown_alone(client, eoi, german_contact):
    keep(eoi, german_contact, 1, motivation="Alone")
    client.force_login(german_contact)
    response = client.get(url(eoi))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="single-version"' in html
    assert "Alone" in html
    assert response.context["left"] is None


def test_no_versions_is_a_friendly_page(client, eoi, german_contact):
    client.force_login(german_contact)
    response = client.get(url(eoi, a=1, b=2))
    assert response.status_code == 200
    assert 'id="no-versions"' in response.content.decode()


def test_outsider_gets_404(client, eoi, outsider, german_contact):
    keep(eoi, german_contact, 1)
    client.force_login(outsider)
    assert client.get(url(eoi)).status_code == 404


def test_viewer_and_staff_may_compare(client, eoi, viewer, staff, german_contact):
    keep(eoi, german_contact, 1)
    keep(eoi, german_contact, 2, need="Water")
    for user in (viewer, staff):
        client.force_login(user)
        assert client.get(url(eoi)).status_code == 200


def test_anonymous_goes_to_login(client, eoi):
    response = client.get(url(eoi))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_no_inline_script_or_style(client, eoi, german_contact):
    keep(eoi, german_contact, 1)
    keep(eoi, german_contact, 2, need="Water")
    client.force_login(german_contact)
    html = client.get(url(eoi)).content.decode()
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_queries_do_not_grow_with_the_number_of_versions(client, eoi, german_contact):
    client.force_login(german_contact)

    def queries_with(count):
        Version.objects.filter(eoi=eoi).delete()
        for number in range(1, count + 1):
            keep(eoi, german_contact, number, need=f"Need {number}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(eoi)).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(10)


@given(st.text(alphabet=" \nab<&>\"'", max_size=30), st.text(alphabet=" \nab<&>\"'", max_size=30))
def test_word_diff_loses_nothing(old, new):
    old_html, new_html = word_diff(old, new)
    assert unescape(re.sub(r"</?del>", "", old_html)) == old
    assert unescape(re.sub(r"</?ins>", "", new_html)) == new
    assert "<ins>" not in old_html and "<del>" not in new_html


def test_the_eoi_page_counts_the_versions_without_reading_them(client, eoi, german_contact):
    client.force_login(english(german_contact))
    detail = reverse("applications:detail", args=[eoi.pk])
    assert "versions are kept" not in client.get(detail).content.decode()
    keep(eoi, german_contact, 1)
    keep(eoi, german_contact, 2, submitted=True)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(detail).content.decode()
    assert "2 confirmed or submitted versions are kept." in page
    assert url(eoi) in page
    assert not [q for q in queries if "applications_version" in q["sql"] and '"content"' in q["sql"]]
