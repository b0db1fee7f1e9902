from smtplib import SMTPException

from celery import shared_task

from fachkraefte.mail import send_mail_template


@shared_task
def ping():
    """Answer 'pong': proves a worker is reachable and runs our code."""
    return "pong"


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=8)
def send_templated_mail(template, to, context, language):
    """Send one templated e-mail; `context` holds only JSON values (ids, names, links)."""
    send_mail_template(template, to=to, context=context, language=language)
