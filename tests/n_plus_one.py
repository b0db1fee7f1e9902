"""The N+1 guard of the whole suite: django-zeal around the code under test, raising on a repeated query.

Scope: every request (the test client's and the browser tests' live server, through a middleware put
first) and every Celery task run (`.delay()`/`.apply()`, eager in the tests). Not the test body or its
fixtures: factories and set-up helpers create rows in loops (a `get_or_create` per row), which is the
test's own set-up, not a page's N+1; what a person or a worker runs is the request or the task.

zeal is a development dependency, so it is not in INSTALLED_APPS; `install()` does what its AppConfig
does (register the models, patch the ORM once per test process) and adds its middleware, before any
request handler is built.
"""

import functools

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.contrib.admin.options import ModelAdmin
from django.forms.models import ModelChoiceField
from zeal import setup, teardown, zeal_ignore
from zeal.constants import initialize_app_registry
from zeal.patch import patch

MIDDLEWARE = "zeal.middleware.zeal_middleware"

_task_tokens = {}


def install():
    initialize_app_registry()
    patch()
    settings.ZEAL_RAISE = True  # fail the test, not a warning in a log nobody reads
    settings.ZEAL_SHOW_ALL_CALLERS = False  # a stack for every relation access doubles the suite's time
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    _pardon_form_validation()
    _pardon_deletion_summary()
    task_prerun.connect(_task_starts, weak=False, dispatch_uid="zeal-task-prerun")
    task_postrun.connect(_task_ends, weak=False, dispatch_uid="zeal-task-postrun")


def _task_starts(task_id=None, **kwargs):
    _task_tokens[task_id] = setup()


def _task_ends(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        teardown(token)


def _pardon_form_validation():
    """Django's form validation looks up each submitted choice on its own (`queryset.get(pk=…)`), so an
    inline formset's POST asks once per row. That is Django's, not a page's N+1: no code of ours can batch it."""
    to_python = ModelChoiceField.to_python

    @functools.wraps(to_python)
    def looked_up_alone(self, value):
        with zeal_ignore():
            return to_python(self, value)

    ModelChoiceField.to_python = looked_up_alone


def _pardon_deletion_summary():
    """The admin's "are you sure?" page names every object a deletion takes along: Django's collector fetches
    them relation by relation and prints each with str(), outside any queryset of ours to prefetch on."""
    summarise = ModelAdmin.get_deleted_objects

    @functools.wraps(summarise)
    def summarised_alone(self, objs, request):
        with zeal_ignore():
            return summarise(self, objs, request)

    ModelAdmin.get_deleted_objects = summarised_alone
