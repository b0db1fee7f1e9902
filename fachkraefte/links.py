"""The one way the portal builds an absolute link: its public address (PORTAL_URL) and a path.

E-mails are written by workers that have no request, and a link built from a request's Host header
could point elsewhere; so every link in an e-mail comes from here.
"""

from django.conf import settings
from django.urls import reverse


def absolute(path):
    return settings.PORTAL_URL.rstrip("/") + path


def absolute_url(viewname, *args):
    return absolute(reverse(viewname, args=args))
