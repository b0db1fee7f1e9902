"""Refuse requests with a NUL character in their path, query string or form data (400).

PostgreSQL cannot store NUL in text, so psycopg raises on any query that carries one: a search box or a
tampered hidden field would answer 500. No form of the portal needs the character; uploaded files are not
looked at (they are bytes and may hold anything).
"""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def carries_nul(data):
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        posted = request.POST if request.method == "POST" else None
        if NUL in request.path or carries_nul(request.GET) or (posted is not None and carries_nul(posted)):
            return HttpResponseBadRequest(_("The request contained a character that is not allowed (NUL)."))
        return self.get_response(request)
