"""The one markdown table `make bench` prints, and the lines under it. No Django, no I/O: tests call it directly."""

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


def number(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def share(value, ceiling):
    if value is None or not ceiling:
        return "–"
    ratio = value / ceiling
    return f"{ratio:.0%}" if ratio >= 0.1 else f"{ratio:.1%}"


def queries_cell(queries, scales):
    return " / ".join(number(queries.get(scale)) for scale in scales)


def markdown_table(rows, connections, scales=("small", "large")):
    """One line per page; the first row is the bare project, whose throughput the others are a share of."""
    ceiling = next((row.per_second_many for row in rows if row.label == BARE), None)
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
            "100%" if row.label == BARE else share(row.per_second_many, ceiling),
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
            f"({runs(match)}; {verdict} the budget of {match['budget']:.0f} s)"
        )
    return lines
