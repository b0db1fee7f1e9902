"""The one record of what happened to an object: its kind and parameters as data, the sentence rendered on reading.

A record never stores a translated sentence: "Part saved: German side" is kept as
`kind="part_saved", params={"part": "german"}` and rendered in the language of whoever reads it
(a timeline, an e-mail in its recipient's language, the admin, a CSV export). What a person wrote
(a reason, a comment) is kept as written in `note`.

A model whose history is recorded names the reverse accessor of its record model in
`RECORDS` (e.g. `RECORDS = "events"`); the record model subclasses `Record` and says in
`DETAILS` how each kind's parameters read.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fachkraefte.choices import ChoiceLabels


def record(subject, kind, *, by=None, note="", from_status="", to_status="", **params):
    """Write one record of `subject` (an EOI, a placement, …): who, what, the parameters, the person's note."""
    records = getattr(subject, subject.RECORDS)
    return records.create(kind=kind, actor=by, note=note, from_status=from_status, to_status=to_status, params=params)


RECORDS_ON_PAGE = 10  # the newest, on an object's own page; its history page shows them all
HISTORY_PAGE_SIZE = 50


def newest_records(records):
    """The newest RECORDS_ON_PAGE of `records` and whether older ones exist: one query of one row more, no COUNT."""
    rows = list(records[: RECORDS_ON_PAGE + 1])
    return rows[:RECORDS_ON_PAGE], len(rows) > RECORDS_ON_PAGE


def history_page(records, number):
    """One page of the whole record, newest first; a bad page number gives the first or the last page."""
    return Paginator(records, HISTORY_PAGE_SIZE).get_page(number)


def label_of(choices, value):
    """The label of `value` in a TextChoices class, read in the current language; the raw value if unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class Record(ChoiceLabels, models.Model):
    """What every record model has; a subclass adds its subject, `kind`, `from_status` and `to_status` with choices.

    `DETAILS` maps a kind to a function of the parameters that returns the particulars in the
    current language, or to a format string with `%(name)s` placeholders.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    note = models.TextField(
        gettext_lazy("comment"), blank=True, help_text=gettext_lazy("What the person wrote, kept as written.")
    )
    params = models.JSONField(gettext_lazy("particulars"), default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("when"), default=timezone.now)

    DETAILS = {}
    STATUS_CHOICES = None

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def detail(self):
        """The particulars of what happened, in the reader's language; "" when the kind needs none."""
        render = self.DETAILS.get(self.kind)
        params = self.params or {}
        if render is None:
            return ""
        try:
            return render(params) if callable(render) else str(render) % params
        except (KeyError, TypeError, ValueError):
            return ""  # a record written before the parameters it now needs

    def sentence(self):
        """The kind and its particulars in one line, e.g. for an e-mail or a CSV cell."""
        parts = [str(self.get_kind_display())]
        if self.from_status or self.to_status:
            statuses = {"from": self.status_label(self.from_status), "to": self.status_label(self.to_status)}
            parts.append(_("%(from)s → %(to)s") % statuses)
        parts += [text for text in (self.detail(), self.note) if text]
        return " – ".join(parts)

    def status_label(self, value):
        return label_of(self.STATUS_CHOICES, value) if value else "–"
