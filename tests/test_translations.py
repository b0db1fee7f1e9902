"""The gettext catalogues (locale/*/LC_MESSAGES/django.po) are complete and keep their placeholders.

msgfmt comes from Debian's gettext package; the PO files are read with a small parser here so that the
project does not depend on polib.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "en", "fr", "es")
TRANSLATED_LANGUAGES = ("de", "fr", "es")
PLACEHOLDER = re.compile(r"%\(([^)]+)\)[a-z]")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def po_path(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def unquote(token):
    body = token.strip()[1:-1]
    return re.sub(r"\\(.)", lambda match: UNESCAPES.get(match.group(1), match.group(1)), body)


def parse_po(path):
    """The catalogue's messages as dicts {keyword: text}; obsolete (#~) entries and the header are skipped."""
    messages, current, keyword = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            # a blank line ends a message; so does a comment after one's msgstr
            if current and (not stripped or any(key.startswith("msgstr") for key in current)):
                messages.append(current)
                current, keyword = {}, None
            continue
        match = KEYWORD.match(stripped)
        if match:
            keyword = match.group(1)
            if keyword in ("msgctxt", "msgid") and any(key.startswith("msgstr") for key in current):
                messages.append(current)
                current = {}
            current[keyword] = unquote(match.group(2))
        elif stripped.startswith('"') and keyword:
            current[keyword] += unquote(stripped)
        else:
            raise AssertionError(f"{path}: cannot parse line {line!r}")
    return [message for message in messages if message.get("msgid")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    assert shutil.which("msgfmt"), "msgfmt is missing: install Debian's gettext package"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    statistics = result.stderr + result.stdout
    assert result.returncode == 0, statistics
    assert "translated message" in statistics, statistics
    assert "untranslated" not in statistics, statistics
    assert "fuzzy" not in statistics, statistics


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_placeholders(language):
    messages = parse_po(po_path(language))
    assert messages, f"no messages found in {po_path(language)}"
    mismatches = []
    for message in messages:
        expected = set(PLACEHOLDER.findall(message["msgid"] + message.get("msgid_plural", "")))
        for keyword, text in message.items():
            if keyword.startswith("msgstr") and set(PLACEHOLDER.findall(text)) != expected:
                mismatches.append(f"{message['msgid']!r} -> {keyword} {text!r}")
    assert not mismatches, "\n".join(mismatches)


def test_english_catalogue_repeats_the_source():
    messages = parse_po(po_path("en"))
    assert messages
    for message in messages:
        if "msgid_plural" in message:
            assert message["msgstr[0]"] == message["msgid"]
            assert message["msgstr[1]"] == message["msgid_plural"]
        else:
            assert message["msgstr"] == message["msgid"]


PORTAL_APPS = ("partnerships", "applications", "placements", "fachkraefte")


def test_every_field_of_the_portals_models_has_a_label_in_the_readers_language():
    """A field without verbose_name is labelled from its name, in English, on every admin page that shows it."""
    from django.apps import apps
    from django.utils.functional import Promise

    unlabelled = [
        f"{model.__name__}.{field.name}"
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert unlabelled == []
