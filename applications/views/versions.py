"""Compare two kept versions of an EOI's content, side by side."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import diff
from applications.permissions import get_eoi_for_user


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=gettext_lazy("Compare"), coerce=int, required=False)
    b = forms.TypedChoiceField(label=gettext_lazy("with"), coerce=int, required=False)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, version_label(v)) for v in reversed(versions)]
        self.fields["a"].choices = self.fields["b"].choices = choices


def version_label(version):
    label = _("Version %(number)s of %(date)s") % {
        "number": version.number,
        "date": date_format(localtime(version.created_at), "SHORT_DATETIME_FORMAT"),
    }
    return f"{label} ({_('submitted')})" if version.submitted else label


def chosen_numbers(request, versions):
    """(form, a, b, problem): the two numbers asked for, else the two newest and why not."""
    newest = versions[-1].number
    older = versions[-2].number if len(versions) > 1 else None
    defaults = {"a": older, "b": newest}
    form = CompareForm(request.GET or None, versions=versions, initial=defaults)
    if not form.is_bound:
        return form, older, newest, None
    if not form.is_valid():
        problem = _("There is no such version to compare. Showing the two newest instead; choose others below.")
        return CompareForm(versions=versions, initial=defaults), older, newest, problem
    a = form.cleaned_data["a"] or older
    b = form.cleaned_data["b"] or newest
    return form, a, b, None


@login_required
def compare(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk)
    versions = list(eoi.versions.defer("content").order_by("number"))
    context = {"eoi": eoi, "versions": versions}
    if versions:
        form, a, b, problem = chosen_numbers(request, versions)
        by_number = {v.number: v for v in versions}
        contents = dict(eoi.versions.filter(number__in=[n for n in (a, b) if n]).values_list("number", "content"))
        rows = diff.compare(contents.get(a), contents[b])
        context |= {
            "form": form,
            "problem": problem,
            "left": by_number.get(a),
            "right": by_number[b],
            "columns": [v for v in (by_number.get(a), by_number[b]) if v],
            "rows": rows,
            "changed": sum(row.changed for row in rows),
        }
    return render(request, "applications/versions.html", context)
