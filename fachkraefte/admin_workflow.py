"""The one admin page for a workflow step of any django-fsm model: a confirmation form, then the runner.

A ModelAdmin mixes in `WorkflowAdminMixin`; its change page lists, among the object tools, the steps
the user may take now (from the declaration), each linking to `<pk>/transition/<step>/`. Arguments a step takes besides
the reason get their form fields from `step_fields` on the ModelAdmin.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fachkraefte import audit
from fachkraefte.workflow import StepRefused, run_step, steps_open_to, workflow_of


class StepForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason / comment"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), required=False
    )

    def __init__(self, *args, step, extra_fields, comment_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = step.reason_required
        self.fields["comment"].help_text = comment_help
        for name in step.arguments:
            if name in extra_fields:
                self.fields[name] = extra_fields[name]()

    def step_arguments(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "comment"}


class WorkflowAdminMixin:
    change_form_template = "admin/workflow_change_form.html"
    step_fields = {}  # argument name -> a callable returning a fresh form field
    step_comment_help = ""
    step_note = ""  # shown on every step's page, e.g. what else the step changes

    def get_urls(self):
        opts = self.model._meta
        own = [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.step_view),
                name=f"{opts.app_label}_{opts.model_name}_transition",
            )
        ]
        return own + super().get_urls()

    def step_url(self, obj, name):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[obj.pk, name])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            steps = workflow_of(obj).steps
            extra_context["workflow_steps"] = [
                (name, self.step_url(obj, name), steps[name].label) for name in steps_open_to(obj, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk, name):
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        step = workflow_of(obj).steps.get(name)
        if step is None or not self.has_change_permission(request, obj):
            raise audit.refuse(obj, f"step {name}")
        data = request.POST if request.method == "POST" else None
        form = StepForm(data, step=step, extra_fields=self.step_fields, comment_help=self.step_comment_help)
        if request.method == "POST" and form.is_valid():
            try:
                run_step(obj, name, by=request.user, comment=form.cleaned_data["comment"], **form.step_arguments())
            except StepRefused as refused:
                if refused.forbidden:
                    raise PermissionDenied from refused
                form.add_error(None, refused.message)
            else:
                messages.success(request, format_html("{}: {}", step.label, obj))
                return redirect(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "step": step.label,
            "title": step.label,
            "status": obj._get_FIELD_display(obj._meta.get_field("status")),
            "allowed": name in steps_open_to(obj, request.user),
            "note": self.step_note,
        }
        return TemplateResponse(request, "admin/workflow_step.html", context)
