"""The staff dashboard's figures over every EOI, kept in the cache.

Counting 20,000 EOIs and reading their whole history takes seconds, too long for a page. A periodic task
(applications.tasks.refresh_dashboard_figures, every REFRESH_MINUTES) computes them and puts them in the cache;
the page reads them from there and says how fresh they are. When the cache is empty (a fresh start, a cache
without the task's entry) the page computes them itself and keeps them. The entry holds no translated text:
statuses, models and country codes are named in the reader's language when the page is rendered.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from applications import statistics
from applications.models import ExpressionOfInterest, Status
from partnerships import countries
from partnerships.models import SpecialistModel

CACHE_KEY = "applications:staff-dashboard-figures:v1"
REFRESH_MINUTES = 5
# Longer than the task's interval, so the page rarely computes; short enough that a cache the task cannot
# reach (each web process's own memory) never shows figures older than this.
TIMEOUT_SECONDS = 3 * REFRESH_MINUTES * 60


@dataclass(frozen=True)
class Figures:
    computed_at: datetime.datetime
    status_counts: list[tuple[Status, int]]
    durations: list[statistics.StatusDuration]
    country_counts: list[tuple[str, int]]  # (ISO code, EOIs): named when read
    model_counts: list[tuple[SpecialistModel, int]]

    @property
    def total(self):
        return sum(count for _status, count in self.status_counts)

    def countries(self):
        """[(country name in the active language, EOIs)], the most first."""
        named = [(countries.name(code), count) for code, count in self.country_counts]
        return sorted(named, key=lambda pair: (-pair[1], str(pair[0])))


def compute(now=None):
    now = now or timezone.now()
    eois = ExpressionOfInterest.objects.all()
    return Figures(
        computed_at=now,
        status_counts=statistics.status_counts(eois),
        durations=statistics.median_days_per_status(eois, now),
        country_counts=statistics.partner_country_codes(eois),
        model_counts=statistics.specialist_model_counts(eois),
    )


def refresh():
    """Compute the figures and keep them; returns them."""
    figures = compute()
    cache.set(CACHE_KEY, figures, TIMEOUT_SECONDS)
    return figures


def current():
    """The kept figures, or fresh ones (kept too) when there are none."""
    return cache.get(CACHE_KEY) or refresh()
