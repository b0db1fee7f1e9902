"""Every admin add page takes hand-edited `?field=value` prefills without a server error."""

import pytest
from django.contrib import admin
from django.urls import reverse

ADD_PAGES = sorted((model._meta.label, model) for model in admin.site._registry)


def relation_fields(model):
    return [field.name for field in model._meta.get_fields() if field.is_relation and field.concrete]


@pytest.mark.parametrize("label, model", ADD_PAGES, ids=[label for label, _ in ADD_PAGES])
def test_a_malformed_prefill_is_dropped_not_a_server_error(admin_client, label, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    prefill = dict.fromkeys([*relation_fields(model), "eoi"], "abc")
    response = admin_client.get(url, prefill)
    assert response.status_code in (200, 403), label


def test_a_good_prefill_still_fills_the_form(admin_client, german_municipality):
    url = reverse("admin:partnerships_municipalitymembership_add")
    response = admin_client.get(url, {"municipality": german_municipality.pk, "user": "abc"})
    form = response.context["adminform"].form
    assert form.initial["municipality"] == str(german_municipality.pk)
    assert "user" not in form.initial
