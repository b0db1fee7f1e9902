"""The recruitment hand-off: CIM and GIZ recruiters see the EOIs in recruitment for their model.

Decision: recruiters get portal pages, not the Django admin. The admin would need is_staff and
per-object filtering of every admin page (changelists, change forms, inlines, history, lookups);
a small portal area whose every page goes through one access helper
(`applications.permissions.get_recruitable_eoi`) is easier to prove isolated. Recruiters see the
agreed terms of reference and the vacancy, never the EOI's internal notes, messages, attachments
or the applicants' contact details.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.permissions import check_recruiter, get_recruitable_eoi, recruitable_eois
from applications.recruitment import partner_countries, publish_vacancy, vacancy_of
from applications.templatetags.eoi import languages_display


class VacancyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Vacancy text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy("As it will be published: the post, the tasks, the profile sought, how to apply."),
        error_messages={"required": gettext_lazy("Please write the vacancy text.")},
    )


@login_required
def recruitment_list(request):
    check_recruiter(request.user)
    eois = recruitable_eois(request.user).with_participants().select_related("vacancy").order_by("status_changed_at")
    now = timezone.now()
    rows = [
        {
            "eoi": eoi,
            "countries": partner_countries(eoi),
            "days": (now - eoi.status_changed_at).days,
            "vacancy": vacancy_of(eoi),
        }
        for eoi in eois
    ]
    return render(request, "applications/recruitment_list.html", {"rows": rows})


@login_required
def recruitment_detail(request, pk):
    eoi = get_recruitable_eoi(request.user, pk)
    terms = eoi.agreed_terms()
    context = {
        "eoi": eoi,
        "terms": terms,
        "languages": languages_display(terms.languages) if terms else "",
        "countries": partner_countries(eoi),
        "days": (timezone.now() - eoi.status_changed_at).days,
        "vacancy": vacancy_of(eoi),
    }
    return render(request, "applications/recruitment_detail.html", context)


@login_required
def vacancy(request, pk):
    eoi = get_recruitable_eoi(request.user, pk)
    current = vacancy_of(eoi)
    form = VacancyForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            publish_vacancy(eoi, form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            form.add_error("text" if error.code == "empty" else None, error)
        else:
            messages.success(request, _("The vacancy has been published."))
            return redirect("applications:recruitment_detail", eoi.pk)
    return render(request, "applications/vacancy_form.html", {"eoi": eoi, "form": form, "vacancy": current})
