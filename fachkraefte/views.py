import asyncio

from django.conf import settings
from django.shortcuts import render
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient


def home(request):
    return render(request, "home.html")


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
