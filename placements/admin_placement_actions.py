"""Staff move a placement in the admin: one confirmation page per transition, the service does the rest.

Add `PlacementWorkflowAdminMixin` first in PlacementAdmin's bases and "workflow_actions" to its
readonly_fields (and fields/fieldsets, if it declares them): the change page then shows the steps.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from placements import services
from placements.models import Placement

STEP_LABELS = {
    "begin": _("Begin the placement"),
    "extend": _("Extend the placement"),
    "complete": _("Complete the placement"),
    "end_early": _("End the placement early"),
}


class PlacementTransitionForm(forms.Form):
    new_end = forms.DateField(label=_("New end"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day of the placement"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = {"begin": [], "complete": [], "extend": ["new_end", "reason"], "end_early": ["end", "reason"]}

    def __init__(self, *args, name, **kwargs):
        super().__init__(*args, **kwargs)
        for field in list(self.fields):
            if field not in self.FIELDS[name]:
                del self.fields[field]
        if "end" in self.fields:
            self.fields["end"].initial = timezone.localdate()


class PlacementWorkflowAdminMixin:
    """`<pk>/transition/<name>/` pages and a read-only field with a link to each step possible now."""

    def get_urls(self):
        own = [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.placement_transition_view),
                name="placements_placement_transition",
            ),
        ]
        return own + super().get_urls()

    @staticmethod
    def available_steps(placement):
        """The steps the status allows; who may run them is the service's question (staff only)."""
        return [t.name for t in placement.get_available_status_transitions() if t.name in STEP_LABELS]

    @admin.display(description=_("workflow"))
    def workflow_actions(self, placement):
        steps = self.available_steps(placement) if placement and placement.pk else []
        if not steps:
            return _("No step is possible now.")
        # Relative to the change page (<pk>/change/), so it needs no reversing.
        return format_html_join(
            " ", '<a class="button" href="../transition/{}/">{}</a>', ((n, STEP_LABELS[n]) for n in steps)
        )

    def placement_transition_view(self, request, pk, name):
        placement = get_object_or_404(Placement, pk=pk)
        if name not in STEP_LABELS or not self.has_change_permission(request, placement):
            raise PermissionDenied
        form = PlacementTransitionForm(request.POST or None, name=name)
        if request.method == "POST" and form.is_valid():
            try:
                services.transition(placement, name, by=request.user, **form.cleaned_data)
            except services.TransitionRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, format_html("{}: {}", STEP_LABELS[name], placement))
                return redirect("admin:placements_placement_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": placement,
            "form": form,
            "step": STEP_LABELS[name],
            "title": STEP_LABELS[name],
            "status": placement.get_status_display(),
            "allowed": name in self.available_steps(placement),
        }
        return TemplateResponse(request, "placements/portal_admin_transition.html", context)
