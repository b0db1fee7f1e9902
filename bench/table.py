"""The one markdown table `make bench` prints, and the lines under it. No Django, no I/O: tests call it directly."""

from collections.abc import Callable
from dataclasses import dataclass, field

BARE = "bare Django (the ceiling)"


@dataclass
class Row:
    label: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    per_second_one: float | None = None
    per_second_many: float | None = None
    queries: dict = field(default_factory=dict)  # scale -> count
    html_bytes: int | None = None
    status: int = 200  # what the page answered the in-process client; anything else is shown
    key: str = ""  # the page's key in bench/inprocess.py pages(): which targets hold for it


def number(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def share_of_bare(row, bare):
    """The row's throughput (as many connections as workers) as a share of the bare view's, or None."""
    if row.per_second_many is None or bare is None or not bare.per_second_many:
        return None
    return row.per_second_many / bare.per_second_many


def percent(ratio):
    return f"{ratio:.0%}" if ratio >= 0.1 else f"{ratio:.1%}"


def _percent_or_dash(ratio):
    return "–" if ratio is None else percent(ratio)


def queries_cell(queries, scales):
    return " / ".join(number(queries.get(scale)) for scale in scales)


def markdown_table(rows, connections, scales=("small", "large")):
    """One line per page; the first row is the bare project, whose throughput the others are a share of."""
    bare = next((row for row in rows if row.label == BARE), None)
    header = [
        "page",
        "p50 ms",
        "p95 ms",
        "req/s (1 conn)",
        f"req/s ({connections} conn)",
        "of bare",
        f"queries ({'/'.join(scales)})",
        "HTML kB",
    ]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for row in rows:
        label = row.label if row.status == 200 else f"{row.label} (answered {row.status})"
        cells = [
            label,
            number(row.p50_ms, 1),
            number(row.p95_ms, 1),
            number(row.per_second_one, 1),
            number(row.per_second_many, 1),
            "100%" if row is bare else _percent_or_dash(share_of_bare(row, bare)),
            "–" if row.label == BARE else queries_cell(row.queries, scales),
            number(row.html_bytes / 1000 if row.html_bytes is not None else None, 1),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def runs(timing):
    count = timing.get("runs", 1)
    return f"median of {count}" if count > 1 else "once"


def timing_lines(figures, seed_seconds=None):
    """The PDFs, the matching and the seeding, one line each, from what bench/inprocess.py measured."""
    lines = []
    if seed_seconds is not None:
        lines.append(f"- seeding: {seed_seconds:.0f} s")
    if "eoi_pdf" in figures:
        eoi = figures["eoi_pdf"]
        lines.append(f"- EOI PDF ({eoi['pages']} pages): {eoi['seconds']:.2f} s ({runs(eoi)})")
    if "report_pdf" in figures:
        report = figures["report_pdf"]
        lines.append(
            f"- report PDF ({report['pages']} pages, {report['activities']} activities): {report['seconds']:.2f} s"
        )
    if "matching" in figures:
        match = figures["matching"]
        verdict = "within" if match["seconds"] < match["budget"] else "OVER"
        lines.append(
            f"- matching: rank {match['candidates']:,} candidates: {match['seconds'] * 1000:.0f} ms "
            f"({runs(match)}; {verdict} the budget of {match['budget']:g} s)"
        )
    return lines


# --- the targets (issue 15), at the large scale -----------------------------------------------------------------
# By the pages' keys in bench/inprocess.py. The work queue is programme staff's, held to the admin's targets.
PORTAL = ("home", "dashboard", "detail", "activities", "reports", "matching", "transparency")
ADMIN = ("changelist", "filtered", "by_name", "by_ags", "work_queue")
STAFF_DASHBOARD = ("staff_dashboard",)
SHARE_OF_BARE = 1 / 30  # the 20 ms where the bare view takes 0.68 ms: the same target on any machine
MAX_HTML_BYTES = 150_000


@dataclass(frozen=True)
class Target:
    text: str
    keys: tuple | None  # None: every page
    figure: Callable  # (row, bare row) -> the row's figure, or None where it has none
    limit: float
    shown: Callable  # the figure as the line prints it
    at_least: bool = False  # the figure must reach the limit, not stay at or under it

    def missed(self, rows, bare):
        pages = [row for row in rows if row.label != BARE and (self.keys is None or row.key in self.keys)]
        missed = []
        for row in pages:
            value = self.figure(row, bare)
            if value is None:
                missed.append((row, "not measured"))
            elif (value < self.limit) if self.at_least else (value > self.limit):
                missed.append((row, self.shown(value)))
        return pages, missed


PAGE_TARGETS = (
    Target("portal pages p50 ≤ 20 ms", PORTAL, lambda row, _: row.p50_ms, 20, lambda v: f"{v:.1f} ms"),
    Target("portal pages p95 ≤ 50 ms", PORTAL, lambda row, _: row.p95_ms, 50, lambda v: f"{v:.1f} ms"),
    Target(
        "portal pages ≥ 1/30 of the bare view's throughput",
        PORTAL,
        share_of_bare,
        SHARE_OF_BARE,
        percent,
        at_least=True,
    ),
    Target("admin pages p50 ≤ 50 ms", ADMIN, lambda row, _: row.p50_ms, 50, lambda v: f"{v:.1f} ms"),
    Target("admin pages p95 ≤ 150 ms", ADMIN, lambda row, _: row.p95_ms, 150, lambda v: f"{v:.1f} ms"),
    Target("staff dashboard p50 ≤ 100 ms", STAFF_DASHBOARD, lambda row, _: row.p50_ms, 100, lambda v: f"{v:.1f} ms"),
    Target(
        "no page sends more than 150 kB of HTML",
        None,
        lambda row, _: row.html_bytes,
        MAX_HTML_BYTES,
        lambda v: f"{v / 1000:.1f} kB",
    ),
)


def target_lines(rows, figures, scales=("small", "large")):
    """Each target of the issue, met or missed, and by which page: the verdict on the run's own figures."""
    bare = next((row for row in rows if row.label == BARE), None)
    lines = [_page_verdict(target, bare, *target.missed(rows, bare)) for target in PAGE_TARGETS]
    lines.append(_query_verdict(rows, scales))
    lines += _timing_verdicts(figures)
    return lines


def _verdict(met, text, detail):
    return f"- {'met' if met else 'MISSED'}: {text} ({detail})"


def _page_verdict(target, bare, pages, missed):
    if not pages:
        return _verdict(False, target.text, "no such page measured")
    if missed:
        return _verdict(False, target.text, "; ".join(f"{row.label}: {shown}" for row, shown in missed))
    closest = (min if target.at_least else max)(pages, key=lambda row: target.figure(row, bare))
    return _verdict(True, target.text, f"closest: {closest.label}, {target.shown(target.figure(closest, bare))}")


def _query_verdict(rows, scales):
    text = f"a page's query count is the same at {' and '.join(scales)} scale"
    pages = [row for row in rows if row.label != BARE]
    unknown = [row for row in pages if any(row.queries.get(scale) is None for scale in scales)]
    if unknown:
        return _verdict(False, text, f"{len(unknown)} pages not counted at both scales")
    differing = [row for row in pages if len({row.queries[scale] for scale in scales}) > 1]
    detail = "; ".join(f"{row.label}: {queries_cell(row.queries, scales)}" for row in differing)
    return _verdict(not differing, text, detail or f"{len(pages)} pages")


def _timing_verdicts(figures):
    lines = []
    if "eoi_pdf" in figures:
        seconds = figures["eoi_pdf"]["seconds"]
        lines.append(_verdict(seconds <= 1, "an EOI PDF ≤ 1 s", f"{seconds:.2f} s"))
    if "report_pdf" in figures:
        report = figures["report_pdf"]
        per_page = report["seconds"] / max(1, report["pages"])
        detail = f"{per_page * 1000:.0f} ms a page over {report['pages']} pages"
        lines.append(_verdict(per_page <= 0.150, "a 20-page report PDF ≤ 150 ms a page", detail))
    if "matching" in figures:
        match = figures["matching"]
        text = f"matching {match['candidates']:,} candidates ≤ {match['budget']:g} s"
        lines.append(_verdict(match["seconds"] <= match["budget"], text, f"{match['seconds'] * 1000:.0f} ms"))
    return lines
