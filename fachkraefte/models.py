"""What the portal keeps about itself: the e-mail outbox and the security log."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One e-mail, written in the transaction of the change that causes it and sent later by a task.

    The key is the idempotency key: it is the Message-ID, and a message already sent is never sent again.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    template = models.CharField(_("template"), max_length=100)
    to = models.JSONField(_("recipients"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_pending")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class AuditEntry(models.Model):
    """A security-relevant moment: who, when, from where, and what."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        ACCESS_REFUSED = "access_refused", _("access refused")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("download")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("login name given"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"], name="audit_kind_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username or self.user_id or ''} {self.at:%Y-%m-%d %H:%M}"


class QueuedNews(models.Model):
    """News kept for a user's daily digest (they chose `email_updates` "daily"), until the digest is written.

    The e-mail's template and context are kept, not a sentence: the digest renders each line in the reader's
    language. Written by fachkraefte.news.tell(); the digest deletes the rows it sends.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("particulars"), default=dict)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("news for the daily digest")
        verbose_name_plural = _("news for the daily digest")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.user_id}: {self.template} ({self.created_at:%Y-%m-%d %H:%M})"


class AccessibilityFeedbackQuerySet(models.QuerySet):
    def unanswered(self):
        return self.filter(answered_at__isnull=True)


class AccessibilityFeedback(models.Model):
    """A barrier someone reported through the accessibility statement's form (BITV 2.0 § 7), and staff's answer.

    Sent by anyone, signed in or not; waits in the staff work queue until answered in the admin. The answer
    goes by e-mail when the sender gave an address (fachkraefte.public.feedback.answer).
    """

    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    contact_email = models.EmailField(_("e-mail address for the answer"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    objects = AccessibilityFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""),
                name="answered_feedback_has_an_answer",
            )
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.page_url or '–'}"
