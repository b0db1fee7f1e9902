"""How well each candidate fits the agreed terms of reference: a pure function, no database.

`rank` takes plain candidate objects (anything with the Candidate attributes it reads) and the
terms (a TermsOfReference or a dict with `languages` and `start`), and returns one `Match` per
candidate, best first. Four criteria, 100 points in all:

- expertise (35): the share of the EOI's programme themes the candidate brings;
- languages (30): each required language shares the points equally; a level at or above the
  required one earns its full share, a lower level half of it, a missing language nothing;
- availability (20): available by the wished start earns all; each month later costs a sixth,
  so six months late earns nothing;
- experience (15): proportional to the years, full from ten years on.

A criterion that asks nothing (no themes, no languages) earns its full points: the terms do not
hold it against anyone. Scores are rounded to one decimal; ties go by name.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.vocabulary import CefrLevel, Theme, WorkingLanguage

WEIGHTS = {"expertise": 35, "languages": 30, "availability": 20, "experience": 15}
CEFR_RANK = {level: rank for rank, level in enumerate(CefrLevel.values, start=1)}
MONTHS_TO_ZERO = 6  # availability points fall to nothing at six months after the wished start
DAYS_PER_MONTH = 30
EXPERIENCE_CAP_YEARS = 10
BELOW_LEVEL_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Match:
    candidate: object
    score: float
    points: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)


def rank(candidates, terms, *, on, themes=()):
    """Every candidate scored against the terms, best first; ties broken by name."""
    wished_start = _value(terms, "start") or on
    required = _language_levels(_value(terms, "languages") or [])
    themes = [theme for theme in dict.fromkeys(themes) if theme]
    phrases = _Phrases(themes, required)
    matches = [_score(candidate, themes, required, wished_start, on, phrases) for candidate in candidates]
    matches.sort(key=lambda match: (-match.score, match.candidate.name.casefold()))
    return matches


class _Phrases:
    """The translated reasons, each made once per call: 5,000 candidates share a few dozen sentences."""

    def __init__(self, themes, required):
        self.labels = {theme: str(Theme(theme).label) if theme in Theme.values else theme for theme in themes}
        for language in required:
            known = language in WorkingLanguage.values
            self.labels[language] = str(WorkingLanguage(language).label) if known else language
        self.no_themes = _("No programme themes asked for")
        self.no_languages = _("No working language required")
        self.in_time = _("Available by the wished start")
        self.cache = {}

    def get(self, key, make, *args):
        phrase = self.cache.get(key)
        if phrase is None:
            phrase = self.cache[key] = make(*args)
        return phrase


def _score(candidate, themes, required, wished_start, on, phrases):
    expertise, expertise_reason = _expertise(candidate.expertise or [], themes, phrases)
    languages, language_reasons = _languages(_language_levels(candidate.languages or []), required, phrases)
    availability, availability_reason = _availability(candidate.available_from or on, wished_start, phrases)
    experience, experience_reason = _experience(candidate.years_of_experience or 0, phrases)
    points = {
        "expertise": round(expertise, 1),
        "languages": round(languages, 1),
        "availability": round(availability, 1),
        "experience": round(experience, 1),
    }
    score = round(expertise + languages + availability + experience, 1)
    reasons = [expertise_reason, *language_reasons, availability_reason, experience_reason]
    return Match(candidate=candidate, score=score, points=points, reasons=reasons)


def _expertise(offered, themes, phrases):
    weight = WEIGHTS["expertise"]
    if not themes:
        return weight, phrases.no_themes
    offered = set(offered)
    shared = tuple(theme for theme in themes if theme in offered)
    return weight * len(shared) / len(themes), phrases.get(shared, _themes_reason, shared, themes, phrases)


def _themes_reason(shared, themes, phrases):
    reason = _("Expertise: %(shared)s of %(asked)s themes") % {"shared": len(shared), "asked": len(themes)}
    if shared:
        reason += f" ({', '.join(phrases.labels[theme] for theme in shared)})"
    return reason


def _languages(offered, required, phrases):
    weight = WEIGHTS["languages"]
    if not required:
        return weight, [phrases.no_languages]
    share = weight / len(required)
    points, reasons = 0.0, []
    for language, needed in required.items():
        level = offered.get(language)
        rank_offered = CEFR_RANK.get(level, 0)
        if rank_offered >= CEFR_RANK[needed]:
            points += share
        elif rank_offered:
            points += share * BELOW_LEVEL_SHARE
        reasons.append(phrases.get((language, level), _language_reason, language, level, needed, phrases))
    return points, reasons


def _language_reason(language, level, needed, phrases):
    values = {"language": phrases.labels[language], "needed": needed, "level": level}
    rank_offered = CEFR_RANK.get(level, 0)
    if rank_offered >= CEFR_RANK[needed]:
        return _("%(language)s %(level)s ≥ %(needed)s required") % values
    if rank_offered:
        return _("%(language)s %(level)s below the required %(needed)s") % values
    return _("%(language)s missing (%(needed)s required)") % values


def _availability(available_from, wished_start, phrases):
    weight = WEIGHTS["availability"]
    late_days = (available_from - wished_start).days
    if late_days <= 0:
        return weight, phrases.in_time
    months = late_days / DAYS_PER_MONTH
    points = max(0.0, weight * (1 - months / MONTHS_TO_ZERO))
    whole = max(1, round(months))
    return points, phrases.get(("late", whole), _late_reason, whole)


def _late_reason(months):
    return ngettext(
        "Available %(months)s month after the wished start",
        "Available %(months)s months after the wished start",
        months,
    ) % {"months": months}


def _experience(years, phrases):
    points = WEIGHTS["experience"] * min(years, EXPERIENCE_CAP_YEARS) / EXPERIENCE_CAP_YEARS
    return points, phrases.get(("years", years), _experience_reason, years)


def _experience_reason(years):
    return ngettext(
        "%(years)s year of professional experience",
        "%(years)s years of professional experience",
        years,
    ) % {"years": years}


def _value(terms, name):
    return terms.get(name) if isinstance(terms, dict) else getattr(terms, name, None)


def _language_levels(rows):
    """{language: level} from [{"language", "level"}] rows (or a dict already); unknown levels dropped."""
    if isinstance(rows, dict):
        rows = [{"language": language, "level": level} for language, level in rows.items()]
    return {row["language"]: row["level"] for row in rows if row.get("language") and row.get("level") in CEFR_RANK}
