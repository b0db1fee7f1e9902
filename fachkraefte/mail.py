"""The one way the portal writes e-mail: a template name, recipients, a context, a language."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_mail_template(template, context, language):
    """Render emails/<template>.subject/.txt/.html in `language`; returns (subject, text, html)."""
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html


def send_mail_template(template, *, to, context, language):
    subject, text, html = render_mail_template(template, context, language)
    message = EmailMultiAlternatives(subject, text, to=list(to))
    message.attach_alternative(html, "text/html")
    message.send()
