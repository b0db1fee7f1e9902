"""The one way the portal makes a PDF: a template under templates/pdf/, a context, a language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# A PDF is made from our own templates and static files only: it never reaches out to the
# network, so a URL that slips into the HTML cannot leak anything or stall a worker.
LOCAL_PROTOCOLS = ("file", "data")


def local_url_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL that is not file: or data:."""
    return URLFetcher(allowed_protocols=LOCAL_PROTOCOLS, allow_redirects=False)


def render_pdf(template_name, context, *, language):
    """Render `template_name` in `language` and print it to PDF; returns the PDF's bytes."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    base_url = (settings.BASE_DIR / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher()).write_pdf()
