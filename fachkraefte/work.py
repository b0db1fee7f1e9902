"""The work queue: what waits for programme staff, gathered from the apps and merged oldest first.

An app takes part by giving its AppConfig a `staff_work()` that returns its WorkKinds (as it gives
`periodic_tasks` and `seed_demo()`). A kind knows what waits, as a queryset, since when each row waits (an
expression on that queryset), and how rows read as WorkItems, with a fixed number of queries however many wait.

The database merges the kinds: one query numbers every waiting row of every kind, oldest first, and returns the
rows of the page shown with the count of each kind (Queue). Thousands of waiting rows stay in the database.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import BigIntegerField, F, Value
from django.dispatch import receiver


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
    pk: object = None  # the waiting row's pk: the item's place in the queue's order


@dataclass(frozen=True)
class WorkKind:
    key: str
    label: str
    waiting: Callable  # () -> the queryset of what waits
    items: Callable  # (that queryset) -> WorkItems, without a query per row
    # The expression on `waiting()` that is its items' `since` (a field, an annotation): the queue's order.
    since: object
    order: int = 50  # where its tab stands: the workflow's order
    # The field of `waiting()` that is the EOI a row stands for ("pk" for EOIs), if it stands for one.
    eoi: str | None = None
    # Whether the queue lists only the rows whose EOI no other kind lists (the overdue EOIs: the kind that lists
    # one flags it overdue instead). The queue leaves them out in its query, from the rows it reads anyway.
    unlisted_eois_only: bool = False


def kinds():
    """Every app's kinds, in the workflow's order."""
    found = []
    for config in apps.get_app_configs():
        if hasattr(config, "staff_work"):
            found += config.staff_work()
    return sorted(found, key=lambda kind: kind.order)


def counts():
    """{kind key: how many wait}, in one query."""
    return Queue(kinds(), shown=()).counts()


# The navigation shows every staff member on every page how many items wait: the same number for all of them,
# which costs the queue's whole query (tens of milliseconds at the programme's size). It is kept for a minute,
# and the queue's own page, which is read live, puts its count there as it is drawn.
WAITING_KEY = "work:waiting:v1"
WAITING_SECONDS = 60


def note_counts(known):
    """The queue's page has read every kind's count (Queue.counts): the navigation shows their total."""
    cache.set(WAITING_KEY, sum(known.values()), WAITING_SECONDS)


def waiting():
    """How many items wait, as the navigation shows it: at most WAITING_SECONDS old."""
    total = cache.get(WAITING_KEY)
    if total is None:
        total = sum(counts().values())
        cache.set(WAITING_KEY, total, WAITING_SECONDS)
    return total


# Every waiting row, less those of an unlisted_eois_only kind whose EOI another kind lists. What comes back: the
# rows of the kinds shown in the window (LIMIT, OFFSET), numbered in the queue's order (the longest waiting first),
# and one row of each kind with its count (no pk).
NUMBERED = """
WITH waiting AS ({waiting}),
listed AS (
    SELECT work_kind, work_pk, work_shown, work_since FROM waiting WHERE work_unlisted = 0 OR work_eoi NOT IN (
        SELECT work_eoi FROM waiting WHERE work_unlisted = 0 AND work_eoi IS NOT NULL
    )
)
SELECT work_kind, work_pk, ROW_NUMBER() OVER (ORDER BY work_since, work_kind, work_pk), NULL FROM (
    SELECT work_kind, work_pk, work_since FROM listed WHERE work_shown = 1
    ORDER BY work_since, work_kind, work_pk LIMIT %s OFFSET %s
) page
UNION ALL
SELECT work_kind, NULL, NULL, COUNT(*) FROM listed GROUP BY work_kind
"""


def waiting_rows(kinds, shown):
    """The SQL (and its parameters) of every waiting row of `kinds`: its kind's number, whether it is shown, its
    pk, its EOI, whether it waits only if no other kind lists that EOI, and since when it waits."""
    rows = [
        kind.waiting()
        .order_by()
        .values(  # in this order: the rows of every kind are one UNION
            work_kind=Value(number),
            work_shown=Value(int(kind.key in shown)),
            work_pk=F("pk"),
            work_eoi=F(kind.eoi) if kind.eoi else Value(None, output_field=BigIntegerField()),
            work_unlisted=Value(int(kind.unlisted_eois_only)),
            work_since=kind.since,
        )
        for number, kind in enumerate(kinds)
    ]
    return rows[0].union(*rows[1:], all=True).query.sql_with_params()


# No kind names a moment in its query (a limit in time is reckoned from the database's clock), so the SQL of the
# waiting rows is the same text with the same parameters at every request: it is built once per process (building
# eleven querysets took about 8 ms a request) and again when a setting changes (the status limits, in tests).
# tests/test_work_queue.py holds every kind to this.
_built = {}


def built_waiting_rows(kinds, shown):
    """waiting_rows(kinds, shown), built once."""
    key = (tuple(kind.key for kind in kinds), frozenset(shown))
    if key not in _built:
        _built[key] = waiting_rows(kinds, shown)
    return _built[key]


@receiver(setting_changed)
def forget_built(**kwargs):
    _built.clear()


def numbered(kinds, shown, window):
    """The SQL (and its parameters) of the queue's one query: the rows (first, last] of the `shown` kinds in the
    queue's order, and the count of each of `kinds`."""
    sql, params = built_waiting_rows(kinds, shown)
    first, last = window
    return NUMBERED.format(waiting=sql), (*params, max(last - first, 0), first)


def page_window(number, per_page):
    """(first, last) position of page `number` (1 when it is no number), as Django's Paginator slices it."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    return (number - 1) * per_page, number * per_page


class Queue(Sequence):
    """The waiting items of the `shown` kinds (all by default) in the queue's order, read a page at a time.

    One query reads the count of each of `kinds` and the positions of one page's rows (the window); the page's
    items are then read for those rows only, one query per kind on the page. A slice outside the window read
    costs one more query (a page number past the end, which Django's Paginator turns into the last page).
    """

    def __init__(self, kinds, shown=None, window=(0, 0)):
        self.kinds = list(kinds)
        self.shown = {kind.key for kind in (self.kinds if shown is None else shown)}
        self.window = window
        self._counts = self._rows = None

    def read(self, window):
        """Read the counts and the rows (first, last] of the queue's order: one query."""
        with connection.cursor() as cursor:
            cursor.execute(*numbered(self.kinds, self.shown, window))
            rows = cursor.fetchall()
        self.window = window
        self._counts = {kind.key: 0 for kind in self.kinds}
        page = []
        for number, pk, position, count in rows:
            if pk is None:
                self._counts[self.kinds[number].key] = count
            else:
                page.append((position, self.kinds[number], pk))
        self._rows = [(kind, pk) for _position, kind, pk in sorted(page, key=lambda row: row[0])]

    def counts(self):
        """{kind key: how many wait} of every kind the queue knows, shown or not."""
        if self._counts is None:
            self.read(self.window)
        return self._counts

    def __len__(self):
        return sum(count for key, count in self.counts().items() if key in self.shown)

    def page(self, number, per_page):
        """Django's Page `number` (as Paginator.get_page understands it): read with the counts in one query."""
        self.read(page_window(number, per_page))
        return Paginator(self, per_page).get_page(number)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        start, stop, _step = index.indices(len(self))
        first, last = self.window
        if not (first <= start and (stop <= last or last >= len(self))):
            self.read((start, stop))
        rows = self._rows[start - self.window[0] : stop - self.window[0]]
        return self.items_of(rows)

    @staticmethod
    def items_of(rows):
        """The WorkItems of `rows` [(kind, pk)], in their order: one query per kind."""
        by_kind, pks = {}, {}
        for kind, pk in rows:
            by_kind[kind.key] = kind
            pks.setdefault(kind.key, []).append(pk)
        found = []
        for key, kind in by_kind.items():
            found += kind.items(kind.waiting().filter(pk__in=pks[key]))
        place = {(kind.key, pk): number for number, (kind, pk) in enumerate(rows)}
        return sorted(found, key=lambda item: place.get((item.kind, item.pk), len(place)))
