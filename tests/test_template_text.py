"""No template shows words outside the translation tags.

The rule: after removing everything a reader never sees as prose —
  * template tags and variables (`{% … %}`, `{{ … }}`) and `{# … #}` comments,
  * whatever sits inside `{% translate %}`, `{% blocktranslate %}…{% endblocktranslate %}`,
    `{% comment %}…{% endcomment %}` and the admin's `{% block bodyclass %}` (CSS classes),
  * in HTML: the markup, HTML comments, `<script>` and `<style>` and every attribute except the ones
    a reader sees or hears (USER_FACING_ATTRIBUTES, and `value` on submit/button/reset inputs),
  * web and e-mail addresses,
— no letter may remain, except the few names in UNTRANSLATED (proper nouns and abbreviations that
read the same in every language). Digits, punctuation, symbols (· – → ×) and entities may remain.
Literal strings in the `default`, `default_if_none` and `yesno` filters and in `{% firstof %}` are
text a reader sees too, and are checked the same way (unless they are a lower-case code like 'de').

Text whose language the markup fixes is not checked: an element marked with HTML's own
`translate="no"` (a postal address, a legal name that stays as it is in every language) or with a
literal `lang` (`<a href="…" lang="de">Leichte Sprache</a>`; `lang="{{ LANGUAGE_CODE }}"` does not count).

A template that is deliberately written in one language only (the Leichte Sprache page is German
by definition) declares it on its first line: `{# single-language: de #}`; such a file is not checked.

Every template is checked: pages, partials, the admin's overrides, e-mail subjects and bodies
(.subject, .txt, .html) and the PDF templates.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import DebugLexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
TEMPLATE_SUFFIXES = {".html", ".txt", ".subject"}  # not .xml: the IATI file is data for machines
SINGLE_LANGUAGE = re.compile(r"\A\{#\s*single-language:\s*[a-z]{2}\s*#\}")

UNTRANSLATED = {"BMZ", "CIM", "CSV", "ENGAGEMENT", "GIZ", "GLOBAL", "IATI", "PDF", "SDG", "SKEW"}
USER_FACING_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "label",  # <optgroup label>, <track label>
}
FIXED_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*")  # lang="de", not lang="{{ LANGUAGE_CODE }}"
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
TRANSLATION_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
HIDDEN_BLOCKS = {"comment": "endcomment", **TRANSLATION_BLOCKS}
TRANSLATION_TAGS = {"translate", "trans"}
MARKUP_BLOCKS = {"block bodyclass"}  # the admin's {% block bodyclass %} fills the class attribute of <body>
TEXT_FILTERS = re.compile(r"\|(?:default|default_if_none|yesno):(\"[^\"]*\"|'[^']*')")
CODE = re.compile(r"[\"'][a-z0-9_-]*[\"']")  # 'de', 'info': a value for the markup, not for the reader

MASK = "\ue000"  # stands in for a tag or a variable; not a letter, keeps the offsets
ADDRESSES = re.compile(r"\b(?:https?|mailto|tel):\S*|\S+@\S+\.\w+")
LETTERS = re.compile(r"[^\W\d_]+")


def template_files():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                yield path


def words_a_reader_sees(text):
    """The letter runs left in `text` once placeholders, addresses and the untranslated names are out."""
    text = ADDRESSES.sub(" ", text.replace(MASK, " "))
    return [word for word in LETTERS.findall(text) if word not in UNTRANSLATED]


def masked_source(source):
    """The template with every tag, variable, comment and translated or commented-out block masked.

    The masked text keeps its length and its line breaks, so offsets and line numbers still match
    the file. Returns (masked text, offenders found in the tags themselves).
    """
    chars = list(source)
    offenders = []
    closing = None  # the end tag of the hidden block we are in
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        contents = token.contents
        first_word = contents.split(" ", 1)[0] if token.token_type == TokenType.BLOCK else ""
        if closing is None and token.token_type == TokenType.TEXT:
            continue
        if closing is not None and first_word == closing:
            closing = None
        elif closing is None and first_word in HIDDEN_BLOCKS:
            closing = HIDDEN_BLOCKS[first_word]
        elif closing is None and " ".join(contents.split()[:2]) in MARKUP_BLOCKS:
            closing = "endblock"
        if closing is None and token.token_type in (TokenType.VAR, TokenType.BLOCK):
            literals = TEXT_FILTERS.findall(contents)
            if first_word == "firstof":
                literals += re.findall(r"\"[^\"]*\"|'[^']*'", contents)
            literals = [literal for literal in literals if not CODE.fullmatch(literal)]
            if first_word not in TRANSLATION_TAGS and any(words_a_reader_sees(literal) for literal in literals):
                offenders.append((token.lineno, "{" + contents + "}"))
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = MASK
    return "".join(chars), offenders


class VisibleText(HTMLParser):
    """Collects (line, what to show, text) for the text nodes and user-facing attributes of an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.raw_text = None  # inside <script> or <style>
        self.kept = None  # [tag, depth] inside an element whose language the markup fixes

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.raw_text = tag
        attributes = dict(attrs)
        if self.kept and self.kept[0] == tag:
            self.kept[1] += 1
        elif self.kept is None and (
            attributes.get("translate") == "no" or FIXED_LANGUAGE.fullmatch(attributes.get("lang") or "")
        ):
            self.kept = [tag, 1]
        if self.kept:
            return
        line = self.getpos()[0]
        for name, value in attrs:
            shown_value = name == "value" and tag == "input" and attributes.get("type") in BUTTON_INPUT_TYPES
            if value and (name in USER_FACING_ATTRIBUTES or shown_value):
                self.found.append((line, f'{name}="{value}"', value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == self.raw_text:
            self.raw_text = None
        if self.kept and self.kept[0] == tag:
            self.kept[1] -= 1
            self.kept = self.kept if self.kept[1] else None

    def handle_data(self, data):
        if self.raw_text is None and self.kept is None:
            line = self.getpos()[0]
            for offset, text in enumerate(data.split("\n")):
                self.found.append((line + offset, text.strip(), text))


def visible_text(path, masked):
    if path.suffix == ".html":
        parser = VisibleText()
        parser.feed(masked)
        parser.close()
        return parser.found
    return [(number, line.strip(), line) for number, line in enumerate(masked.split("\n"), start=1)]


def untranslated_text(path):
    """(line, text) for every piece of text in the template that a reader sees and no tag translates."""
    source = path.read_text(encoding="utf-8")
    if SINGLE_LANGUAGE.match(source):
        return []
    masked, offenders = masked_source(source)
    offenders += [(line, shown) for line, shown, text in visible_text(path, masked) if words_a_reader_sees(text)]
    return sorted((line, re.sub(f"{MASK}+", "…", text)) for line, text in offenders)


def test_the_rule_catches_what_it_should_and_lets_the_rest_pass(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "{# a comment #}{% load i18n %}\n"
        "<h1>{% translate 'Welcome' %}</h1>\n"
        "<p>Untranslated {{ name }}</p>\n"
        '<img src="/x.png" alt="A logo" class="text-end">\n'
        "<script>const label = 'not text';</script><style>.a::after { content: 'x'; }</style>\n"
        "{% blocktranslate trimmed %}Hello {{ name }}{% endblocktranslate %} · 12 € → CIM/GIZ\n"
        "{% comment %}Notes for developers{% endcomment %}<!-- html comment -->\n"
        '<input type="submit" value="Send"><input type="text" name="q" value="kept">\n'
        '<option value="a">Option A</option>{{ x|default:"Nothing yet" }} {{ y|default:"–" }}\n'
        '<a href="https://example.org/path">https://example.org</a> <span title="{% translate "Hint" %}">?</span>\n'
        '<address translate="no">Musterstraße 1<br>53113 Bonn <span>Deutschland</span></address> Not kept\n'
        '<a href="/ls/" lang="de">Leichte Sprache</a><p lang="{{ LANGUAGE_CODE }}">Checked</p>\n',
        encoding="utf-8",
    )
    assert untranslated_text(page) == [
        (3, "Untranslated …"),
        (4, 'alt="A logo"'),
        (8, 'value="Send"'),
        (9, "Option A"),
        (9, '{x|default:"Nothing yet"}'),
        (11, "Not kept"),
        (12, "Checked"),
    ]
    page.write_text("{# single-language: de #}\n<p>Leichte Sprache</p>\n", encoding="utf-8")
    assert untranslated_text(page) == []


@pytest.mark.parametrize("path", list(template_files()), ids=lambda path: str(path.relative_to(ROOT)))
def test_template_text_goes_through_translation(path):
    offenders = untranslated_text(path)
    listing = "\n".join(f"{path.relative_to(ROOT)}:{line}: {text}" for line, text in offenders)
    assert not offenders, f"text outside the translation tags:\n{listing}"
