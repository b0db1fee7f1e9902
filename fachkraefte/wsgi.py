"""The WSGI application that gunicorn serves (scripts/serve-web)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fachkraefte.settings")

application = get_wsgi_application()

# Import every view now, then keep what start-up built out of the collector's full collections: each would walk
# those objects again (about 25 ms a time on the large admin pages, measured with `make bench`).
get_resolver().url_patterns  # noqa: B018 - loading the URL configuration imports the views
gc.freeze()
