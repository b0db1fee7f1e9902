"""The work queue: what waits for programme staff, gathered from the apps and merged oldest first.

An app takes part by giving its AppConfig a `staff_work()` that returns its WorkKinds (as it gives
`periodic_tasks` and `seed_demo()`). A kind knows what waits, as a queryset the navigation counts with one
query, and how that queryset reads as WorkItems, with a fixed number of queries however many rows wait.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone

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
    # The expression on `waiting()` that is its items' `since` (a field, an annotation): with it the queue reads
    # only the rows of the page it shows. Without it every item of the kind is read (fine for a short list).
    since: object = None

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


def note_counts(request, known):
    """Keep counts a page already has (Queue.counts over every kind) for counts(request) to return."""
    setattr(request, COUNTS_ATTRIBUTE, known)


def counts(request=None):
    """{kind key: how many wait}, one query per kind; kept on `request` so a page counts once."""
    cached = getattr(request, COUNTS_ATTRIBUTE, None)
    if cached is None:
        cached = {kind.key: kind.count() for kind in kinds()}
        if request is not None:
            setattr(request, COUNTS_ATTRIBUTE, cached)
    return cached


def items(chosen):
    """The items of the `chosen` kinds, the longest waiting first, as a sequence Django's Paginator reads."""
    return Queue(chosen)


def sort_key(item):
    return (item.since, item.kind, item.title)


def as_moment(value):
    """A kind's `since` that is a day (a placement's start) is the start of that day, as its items say."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
    return value


class Queue(Sequence):
    """The waiting items of some kinds, the longest waiting first, read a page at a time.

    The order comes from (since, pk) of every waiting row, one small query per kind; a page's items are then
    read for that page's rows only, one query per kind on the page. Thousands of waiting EOIs no longer become
    thousands of WorkItems for each page of 50 (kinds without `since` are still read whole).
    """

    def __init__(self, chosen):
        self.chosen = list(chosen)
        self._order = None

    def order(self):
        """[(since, kind key, tie-break, kind, pk or the item itself)], in the queue's order."""
        if self._order is None:
            rows = []
            for kind in self.chosen:
                if kind.since is None:
                    rows += [(item.since, kind.key, item.title, kind, item) for item in kind.list()]
                    continue
                waiting = kind.waiting().order_by().annotate(work_since=kind.since).values_list("pk", "work_since")
                rows += [(as_moment(since), kind.key, pk, kind, pk) for pk, since in waiting]
            self._order = sorted(rows, key=lambda row: row[:3])
        return self._order

    def __len__(self):
        return len(self.order())

    def counts(self):
        """{kind key: how many wait}, from the rows read for the order: the same numbers counts() gives."""
        found = {kind.key: 0 for kind in self.chosen}
        for row in self.order():
            found[row[1]] += 1
        return found

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        rows = self.order()[index]
        found = [row[4] for row in rows if row[3].since is None]
        kinds, pks = {}, {}
        for _since, key, _tie, kind, pk in rows:
            if kind.since is not None:
                kinds[key] = kind
                pks.setdefault(key, []).append(pk)
        for key, kind in kinds.items():
            found += kind.items(kind.waiting().filter(pk__in=pks[key]))
        return sorted(found, key=sort_key)
