"""`make bench` without the load: its table, its Python stand-in for wrk, and the environment it starts the
portal with (which the production settings must accept as they grow stricter)."""

import re
import secrets
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import load, run, table
from tests.subprocess_env import ROOT, run_python

SMOKE_TIMEOUT = 900  # seconds: about 1.5 minutes on an idle 2-core machine, several on a busy one


def test_the_table_has_a_line_per_page_and_the_share_of_the_bare_throughput():
    rows = [
        table.Row(table.BARE, 1.0, 2.0, 900.0, 1000.0, html_bytes=100),
        table.Row("EOI detail", 20.0, 40.5, 45.0, 100.0, queries={"small": 21, "large": 23}, html_bytes=21_734),
        table.Row("staff dashboard", None, None, None, None, queries={"large": 12}, html_bytes=900, status=500),
    ]
    text = table.markdown_table(rows, connections=5)
    lines = text.splitlines()
    assert lines[0].startswith("| page | p50 ms | p95 ms | req/s (1 conn) | req/s (5 conn) |")
    assert len(lines) == 2 + len(rows)
    assert "| EOI detail | 20.0 | 40.5 | 45.0 | 100.0 | 10% | 21 / 23 | 21.7 |" in lines
    assert "| staff dashboard (answered 500) | – | – | – | – | – | – / 12 | 0.9 |" in lines


def test_the_timing_lines():
    figures = {
        "eoi_pdf": {"seconds": 0.61, "pages": 3, "runs": 3},
        "report_pdf": {"seconds": 3.2, "pages": 20, "activities": 229},
        "matching": {"seconds": 0.08, "candidates": 5000, "budget": 0.5, "runs": 1},
    }
    lines = table.timing_lines(figures, seed_seconds=146.5)
    assert lines[0] == "- seeding: 146 s"
    assert lines[1] == "- EOI PDF (3 pages): 0.61 s (median of 3)"
    assert "report PDF (20 pages, 229 activities): 3.20 s" in lines[2]
    assert lines[3] == "- matching: rank 5,000 candidates: 80 ms (once; within the budget of 0.5 s)"


def _measured(key, p50, p95, per_second, queries=(7, 7), html_bytes=20_000):
    return table.Row(
        key, p50, p95, per_second, per_second, dict(zip(("small", "large"), queries, strict=True)), html_bytes, key=key
    )


def test_the_targets_say_met_with_the_closest_page_and_missed_with_every_page_that_misses():
    rows = [
        table.Row(table.BARE, 0.3, 0.4, 3000.0, 6000.0, html_bytes=100),
        _measured("detail", 17.8, 22.9, 100.0),  # 1.7 % of the bare throughput: under 1/30
        _measured("dashboard", 10.2, 13.7, 250.0),
        *[_measured(key, 5.0, 6.0, 1000.0) for key in ("home", "activities", "reports", "matching", "transparency")],
        _measured("changelist", 51.0, 62.0, 50.0, html_bytes=151_000),
        *[_measured(key, 40.0, 60.0, 50.0) for key in ("filtered", "by_name", "by_ags")],
        _measured("work_queue", 26.3, 29.0, 70.0, queries=(8, 5)),
        _measured("staff_dashboard", 24.7, 27.6, 80.0),
    ]
    figures = {
        "eoi_pdf": {"seconds": 0.16, "pages": 3},
        "report_pdf": {"seconds": 3.2, "pages": 20, "activities": 240},
        "matching": {"seconds": 0.023, "candidates": 5000, "budget": 0.5},
    }
    lines = table.target_lines(rows, figures)
    assert "- met: portal pages p50 ≤ 20 ms (closest: detail, 17.8 ms)" in lines
    assert "- MISSED: portal pages ≥ 1/30 of the bare view's throughput (detail: 1.7%)" in lines
    assert "- MISSED: admin pages p50 ≤ 50 ms (changelist: 51.0 ms)" in lines
    assert "- met: admin pages p95 ≤ 150 ms (closest: changelist, 62.0 ms)" in lines
    assert "- met: staff dashboard p50 ≤ 100 ms (closest: staff_dashboard, 24.7 ms)" in lines
    assert "- MISSED: no page sends more than 150 kB of HTML (changelist: 151.0 kB)" in lines
    assert "- MISSED: a page's query count is the same at small and large scale (work_queue: 8 / 5)" in lines
    assert "- met: an EOI PDF ≤ 1 s (0.16 s)" in lines
    assert "- MISSED: a 20-page report PDF ≤ 150 ms a page (160 ms a page over 20 pages)" in lines
    assert "- met: matching 5,000 candidates ≤ 0.5 s (23 ms)" in lines


def test_a_target_whose_pages_were_not_measured_is_missed():
    rows = [table.Row(table.BARE, 0.3, 0.4, 3000.0, 6000.0), _measured("detail", None, None, None)]
    lines = table.target_lines(rows, {})
    assert "- MISSED: portal pages p50 ≤ 20 ms (detail: not measured)" in lines
    assert "- MISSED: admin pages p50 ≤ 50 ms (no such page measured)" in lines


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Set-Cookie", "sessionid=abc; HttpOnly; Secure")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


def test_the_python_stand_in_for_wrk_and_the_cookies():
    server = ThreadingHTTPServer((load.HOST, 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        measured = load.python_load(port, "/", "", connections=2, seconds=1)
        browser = load.Browser(port, "csrftoken=t")
        status, _headers, content = browser.request("GET", "/")
    finally:
        server.shutdown()
    assert measured.requests > 0 and measured.errors == 0
    assert measured.p50_ms <= measured.p95_ms
    assert (status, content) == (200, b"hello")
    assert browser.cookie_header() == "csrftoken=t; sessionid=abc"


def test_the_production_settings_accept_the_benchs_environment(tmp_path):
    env = run.production_env(run.database_url("small"), Path(tmp_path), secrets.token_urlsafe(50))
    code = "import django; django.setup(); from django.conf import settings; print(settings.PRODUCTION)"
    started = run_python(code, **env)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "True"


def test_the_bench_runs_at_small_scale():
    """`make bench` itself, cheaply (`--smoke`): seeded at small scale into a database of its own, each page
    loaded for a second by one worker, the table printed. No targets; it fails when the bench breaks."""
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    table_lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert table_lines[0].startswith("| page |")
    assert any(line.startswith("| EOI detail |") for line in table_lines)
    assert "- EOI PDF" in done.stdout and "- matching" in done.stdout
    assert re.search(r"A fixed piece of pure Python took \d+ ms before the load and \d+ ms after", done.stdout)
