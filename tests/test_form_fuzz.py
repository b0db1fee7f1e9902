"""Random data to every form: the answer is never a 500, and a refused form writes nothing.

Every POST endpoint of the access matrix (test_access_matrix.RULES) is posted to by a persona who may use
it, and the admin's add and change forms of the central models by programme staff. Hypothesis draws the
data: text with NUL bytes and other unicode, very long strings, huge and negative numbers, broken dates,
lists where one value is expected, missing fields, random files. A response that is not a redirect must
leave every table as it was (a checksum of every row, taken in the same transaction).
"""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import ALL_RULES, RULES, SHOWN_TO, matrix_personas, matrix_world, other_specialist  # noqa: F401 - fixtures

ANSWERS = {200, 302, 400, 403, 404, 405, 409, 410}
# Rows a request may write whatever it answers: the session, the login log, the security log.
NOT_COMPARED = ("django_session", "axes_", "fachkraefte_auditentry", "partnerships_loginsession")
# Field names of the POST-only endpoints, which have no page to read them from.
KNOWN_FIELDS = ["reason", "comment", "language", "body", "candidate", "decision", "email", "text", "file"]
ADMIN_FORMS = {
    "admin:applications_expressionofinterest_change": lambda w: {"object_id": w["eoi"].pk},
    "admin:placements_candidate_add": lambda w: {},
    "admin:placements_candidate_change": lambda w: {"object_id": w["candidate"].pk},
    "admin:placements_placement_change": lambda w: {"object_id": w["placement"].pk},
    "admin:placements_networkevent_add": lambda w: {},
    "admin:placements_networkevent_change": lambda w: {"object_id": w["network_event"].pk},
}
EXAMPLES_PER_PERSONA = 80


def poster(rule):
    """The least privileged persona who may POST to the URL (anonymous for the public forms)."""
    return next((persona for persona in SHOWN_TO if persona in rule.post), None)


def endpoints_of(persona):
    rules = {name: (rule.kwargs, rule.get) for name, rule in RULES.items() if poster(rule) == persona}
    if persona == "staff":
        rules.update({name: (kwargs, {"staff"}) for name, kwargs in ADMIN_FORMS.items()})
    return rules


FUZZ_PERSONAS = sorted({persona for persona in map(poster, RULES.values()) if persona} | {"staff"})

# --- what hypothesis posts ----------------------------------------------------------------------------------
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(lambda text: text + "\x00"),
    st.sampled_from(["", " ", "\x00", "ä" * 5000, "x" * 100_000, "<script>alert(1)</script>", "'; DROP TABLE x;--"]),
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "-1", "1e309", "NaN", "1.5", "0x10"]),
)
dates = st.sampled_from(["2024-02-30", "0000-00-00", "9999-12-31", "31.12.2024", "2024-13-01", "yesterday", "1-1-1"])
files = st.binary(max_size=2000).map(lambda content: SimpleUploadedFile("random.pdf", content))
scalar = st.one_of(nasty_text, numbers, dates)
value = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3), files)


def form_data(field_names):
    """A dict of some of the form's fields (missing ones are missing) and a few names it never asked for."""
    known = st.dictionaries(st.sampled_from(field_names), value, max_size=len(field_names))
    unknown = st.dictionaries(st.text(min_size=1, max_size=10), scalar, max_size=2)
    return st.tuples(known, unknown).map(lambda pair: {**pair[1], **pair[0]})


# --- asking -----------------------------------------------------------------------------------------------
def fingerprint():
    """A checksum of every row of every table, in one query."""
    tables = [name for name in connection.introspection.table_names() if not name.startswith(NOT_COMPARED)]
    # Table names come from the database's own catalogue, not from a request.
    each = "(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{}\" t)"
    parts = ", ".join(each.format(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")  # noqa: S608
        return dict(zip(tables, cursor.fetchone(), strict=True))


def field_names(client, url, may_get):
    """The names of every field of every form the page shows, or KNOWN_FIELDS for a POST-only endpoint."""
    if not may_get:
        return KNOWN_FIELDS
    response = client.get(url)
    names = set()
    context = response.context  # one Context, a list of them (one a template), or None
    contexts = [] if context is None else [context] if hasattr(context, "flatten") else list(context)
    for context in contexts:
        for item in context.flatten().values():
            forms = item.forms if isinstance(item, BaseFormSet) else [item] if isinstance(item, BaseForm) else []
            names.update(form.add_prefix(name) for form in forms for name in form.fields)
            if isinstance(item, BaseFormSet):
                names.update(item.management_form.add_prefix(name) for name in item.management_form.fields)
    return sorted(names) or KNOWN_FIELDS


def post_and_compare(client, name, url, data):
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            before = fingerprint()
            response = client.post(url, data)
            changed = [table for table, checksum in fingerprint().items() if before.get(table) != checksum]
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    assert response.status_code in ANSWERS, f"{name}: {response.status_code} for {data!r}"
    if response.status_code != 302:
        assert not changed, f"{name} answered {response.status_code} but wrote to {changed} for {data!r}"


@pytest.mark.parametrize("persona", FUZZ_PERSONAS)
def test_random_data_never_breaks_a_form(client, matrix_personas, matrix_world, persona):  # noqa: F811
    if persona != "anonymous":
        client.force_login(matrix_personas[persona])
    endpoints = []
    for name, (kwargs, getters) in sorted(endpoints_of(persona).items()):
        url = reverse(name, kwargs=kwargs(matrix_world))
        endpoints.append((name, url, field_names(client, url, persona in getters)))
    choice = st.sampled_from(endpoints).flatmap(lambda e: st.tuples(st.just(e), form_data(e[2])))

    @settings(
        max_examples=EXAMPLES_PER_PERSONA,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(choice)
    def fuzz(drawn):
        (name, url, _), data = drawn
        post_and_compare(client, name, url, data)

    fuzz()


NUL_GUARD = "fachkraefte.input_guard.RefuseNulMiddleware"


@pytest.fixture
def nul_guard(settings):
    """The guard as the settings will list it (after CommonMiddleware); a no-op once they do."""
    if NUL_GUARD not in settings.MIDDLEWARE:
        at = settings.MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], NUL_GUARD, *settings.MIDDLEWARE[at:]]


def test_nul_in_a_search_is_refused_with_400(client, nul_guard, cim_recruiter):
    client.force_login(cim_recruiter)
    assert client.get(reverse("placements:candidate_list"), {"q": "Eva\x00"}).status_code == 400
    assert client.get(reverse("placements:candidate_list"), {"q": "Eva"}).status_code == 200


def test_nul_in_form_data_is_refused_before_the_view(client, nul_guard, eoi, german_contact):
    client.force_login(german_contact)
    response = client.post(reverse("applications:withdraw", args=[eoi.pk]), {"reason": "no\x00"})
    assert response.status_code == 400
    eoi.refresh_from_db()
    assert eoi.status == "draft"


def test_uploaded_files_may_hold_nul_bytes(client, nul_guard, eoi, german_contact, media):
    client.force_login(german_contact)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\x00\x00binary", content_type="application/pdf")
    response = client.post(reverse("applications:attachment_upload", args=[eoi.pk]), {"file": upload})
    assert response.status_code != 400


def test_no_page_answers_500_to_nul_in_its_query_string(client, nul_guard, matrix_personas, matrix_world):  # noqa: F811
    broken = []
    for persona in ("staff", "cim_recruiter", "german_contact", "specialist"):
        client.force_login(matrix_personas[persona])
        for name, rule in sorted(ALL_RULES.items()):
            if persona in rule.get:
                url = reverse(name, kwargs=rule.kwargs(matrix_world))
                status = client.get(url, {"q": "\x00", "municipality": "\x00", "date_after": "\x00"}).status_code
                if status != 400:
                    broken.append(f"{persona} {name}: {status}")
    assert not broken
