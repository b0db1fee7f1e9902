"""Rendering the portal's e-mails: a template name, a context, a language. The outbox (outbox.py) sends them."""

from django.template.loader import render_to_string
from django.utils import translation


def render_mail_template(template, context, language):
    """Render emails/<template>.subject/.txt/.html in `language`; returns (subject, text, html)."""
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html
