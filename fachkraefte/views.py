import asyncio

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

from fachkraefte import work
from fachkraefte.staff import check_programme_staff

WORK_PER_PAGE = 50


def home(request):
    return render(request, "home.html")


@login_required
def work_queue(request):
    """What waits for programme staff, the longest waiting first; `?kind=` shows one kind."""
    check_programme_staff(request.user)
    kinds = work.kinds()
    chosen = [kind for kind in kinds if kind.key == request.GET.get("kind")]
    chosen_key = chosen[0].key if chosen else ""
    queue = work.Queue(kinds, shown=chosen or kinds)
    page = queue.page(request.GET.get("page"), WORK_PER_PAGE)
    counts = queue.counts()  # of every kind, from the query that read the page: the navigation's, too
    work.note_counts(counts)
    context = {
        # A tab for each kind that has work waiting (and the one chosen): an empty kind is no choice to make.
        "kinds": [(kind, counts[kind.key]) for kind in kinds if counts[kind.key] or kind.key == chosen_key],
        "chosen": chosen_key,
        "total": sum(counts.values()),
        "page": page,
    }
    return render(request, "work_queue.html", context)


class PortalHealthCheckView(HealthCheckView):
    """JSON health report: 200 when every configured dependency answers, 503 when one does not."""

    def get_checks(self):
        yield Database()
        broker = settings.CELERY_BROKER_URL
        if broker.startswith(("redis://", "rediss://")):
            yield Redis(client_factory=lambda: RedisClient.from_url(broker, socket_connect_timeout=2))
        if broker and settings.HEALTH_CHECK_CELERY_WORKERS:
            yield Ping()

    async def get(self, request, *args, **kwargs):
        """Always JSON, and 503 rather than the library's 500: load balancers read it as 'take me out'."""
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        return self.render_to_response_json(503 if any(result.error for result in self.results) else 200)
