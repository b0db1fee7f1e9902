"""The work queue: what waits for programme staff, gathered from the apps and merged oldest first.

An app takes part by giving its AppConfig a `staff_work()` that returns its WorkKinds (as it gives
`periodic_tasks` and `seed_demo()`). A kind knows what waits, as a queryset the navigation counts with one
query, and how that queryset reads as WorkItems, with a fixed number of queries however many rows wait.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

COUNTS_ATTRIBUTE = "_work_counts"


@dataclass(frozen=True)
class WorkItem:
    """One thing that waits for staff: what it is, since when, and the page where they act on it."""

    kind: str  # the key of its WorkKind
    label: str
    title: str
    since: datetime.datetime
    url: str
    overdue: bool = False
    mark: str = ""  # a word that sets it apart within its kind, e.g. "resubmitted"


@dataclass(frozen=True)
class WorkKind:
    key: str
    label: str
    waiting: Callable  # () -> the queryset of what waits
    items: Callable  # (that queryset) -> WorkItems, without a query per row
    order: int = 50  # where its tab stands: the workflow's order
    # () -> the pks of the EOIs this kind lists: the list of overdue EOIs leaves them out (they are flagged here).
    eoi_pks: Callable | None = None

    def count(self):
        return self.waiting().count()

    def list(self):
        return list(self.items(self.waiting()))


def kinds():
    """Every app's kinds, in the workflow's order."""
    found = []
    for config in apps.get_app_configs():
        if hasattr(config, "staff_work"):
            found += config.staff_work()
    return sorted(found, key=lambda kind: kind.order)


def counts(request=None):
    """{kind key: how many wait}, one query per kind; kept on `request` so a page counts once."""
    cached = getattr(request, COUNTS_ATTRIBUTE, None)
    if cached is None:
        cached = {kind.key: kind.count() for kind in kinds()}
        if request is not None:
            setattr(request, COUNTS_ATTRIBUTE, cached)
    return cached


def items(chosen):
    """The items of the `chosen` kinds, the longest waiting first."""
    merged = [item for kind in chosen for item in kind.list()]
    return sorted(merged, key=lambda item: (item.since, item.kind, item.title))
