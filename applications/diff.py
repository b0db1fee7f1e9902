"""Two kept versions of an EOI side by side: one row per field, changes marked word by word.

Everything a user wrote is escaped here; the marks (<ins>, <del>) are the only markup added.
"""

import datetime
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import models
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from applications.models import CONTENT_FIELDS, ExpressionOfInterest, Participant
from applications.vocabulary import Sdg, Theme, WorkingLanguage
from partnerships.models import Municipality, SpecialistModel

COMPARED_FIELDS = ["specialist_model", "municipalities", *CONTENT_FIELDS]
TOKENS = re.compile(r"\s+|\S+")


def word_diff(old, new):
    """(old, new) as safe HTML: words only in the old marked <del>, words only in the new marked <ins>."""
    old_words, new_words = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in _opcodes(old_words, new_words):
        removed, added = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        if tag == "equal":
            old_parts.append(format_html("{}", removed))
            new_parts.append(format_html("{}", added))
            continue
        if removed:
            old_parts.append(format_html("<del>{}</del>", removed))
        if added:
            new_parts.append(format_html("<ins>{}</ins>", added))
    return _joined(old_parts), _joined(new_parts)


def _opcodes(old_words, new_words):
    """SequenceMatcher's opcodes, with a lone space between two changes folded into them: one mark, not two."""
    opcodes = SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes()
    folded = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        lone_space = tag == "equal" and index < len(opcodes) - 1 and "".join(old_words[i1:i2]).isspace()
        if folded and folded[-1][0] != "equal" and (tag != "equal" or lone_space):
            folded[-1] = ("replace", folded[-1][1], i2, folded[-1][3], j2)
        else:
            folded.append((tag, i1, i2, j1, j2))
    return folded


def _joined(parts):
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass
class Row:
    name: str
    label: str
    old: str  # safe HTML
    new: str  # safe HTML
    changed: bool


def field_label(name):
    if name == "municipalities":
        return str(Participant._meta.verbose_name_plural)
    return str(ExpressionOfInterest._meta.get_field(name).verbose_name)


def is_long_text(name):
    return name in CONTENT_FIELDS and isinstance(ExpressionOfInterest._meta.get_field(name), models.TextField)


def municipality_names(*contents):
    """{id: name} for every municipality any of these contents names: one query however many."""
    ids = {pk for content in contents if content for pk in content.get("municipalities") or []}
    return dict(Municipality.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def display(name, value, names):
    """A stored JSON value as a person reads it (plain text, escaped later)."""
    if value in (None, "", [], {}):
        return ""
    if name == "specialist_model":
        return _label(SpecialistModel, value)
    if name == "municipalities":
        return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value))
    if name == "themes":
        return ", ".join(_label(Theme, v) for v in value)
    if name == "sdgs":
        return ", ".join(_label(Sdg, v) for v in value)
    if name == "working_languages":
        return ", ".join(
            f"{_label(WorkingLanguage, row.get('language'))} {row.get('level', '')}".strip() for row in value
        )
    if name == "wished_start":
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _label(choices, value):
    return str(choices(value).label) if value in choices.values else str(value)


def compare(old, new):
    """Rows for two contents (dicts as Version.content); `old` may be None to show `new` alone."""
    names = municipality_names(old, new)
    rows = []
    for name in COMPARED_FIELDS:
        new_value = new.get(name)
        old_value = old.get(name) if old is not None else new_value
        new_text, old_text = display(name, new_value, names), display(name, old_value, names)
        changed = old is not None and _normal(old_value) != _normal(new_value)
        if changed and is_long_text(name):
            old_html, new_html = word_diff(old_text, new_text)
        else:
            old_html, new_html = format_html("{}", old_text), format_html("{}", new_text)
        rows.append(Row(name, field_label(name), old_html, new_html, changed))
    return rows


def _normal(value):
    """Missing, None and empty mean the same: nothing filled in."""
    return None if value in (None, "", [], {}) else value
