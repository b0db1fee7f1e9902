"""`make bench [SCALE=large|small]`: the portal under load on this machine, printed as one markdown table.

1. A PostgreSQL database of its own, fachkraefte_bench_<scale>: dropped, created, migrated and seeded
   (`manage.py seed --scale <scale>`); --reuse keeps one that is seeded already.
2. The static files collected, then bench/inprocess.py with the production settings: per page the SQL queries of
   one request and the HTML size (at both scales where the other scale's database is seeded too), the PDFs and
   the matching.
3. gunicorn on 127.0.0.1 with the production settings, as scripts/serve-web starts it (2 × cores + 1 sync
   workers), and a bare one-view Django project (bench/bare/) started the same way: the ceiling. Each persona
   logs in through the login pages (staff and the recruiter with the code from their authenticator key). wrk, one
   thread, loads each page for a fixed time with one connection (service time p50/p95, req/s) and with one
   connection per worker (throughput).
4. Both servers are stopped at the end, also on an error or Ctrl-C.

Measuring, not optimising: the table is the starting point of the work in issue 15.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess  # nosec B404 - runs manage.py, gunicorn and wrk with our own arguments
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402

from bench import load, table  # noqa: E402

SCALES = ("small", "large")
ADMIN_DATABASE = "postgresql://postgres@127.0.0.1:5432/postgres"
BROKER = "redis://127.0.0.1:6379/14"  # nothing consumes it: a GET queues no task; the portal refuses to start without
CACHE = "redis://127.0.0.1:6379/13"  # emptied at the start: the staff dashboard computes its figures once
CONTACT_EMAIL = "kontakt@bench.example"  # partnerships.bulk.CONTACT: a seeded database has it
PYTHON = sys.executable
STARTUP_SECONDS = 90
SLOWEST_RUN_SECONDS = 30


def database_name(scale, smoke=False):
    """One database per scale, kept for --reuse; the smoke pass (CI) one of its own per run, dropped after it."""
    return f"fachkraefte_bench_smoke_{os.getpid()}" if smoke else f"fachkraefte_bench_{scale}"


def database_url(scale, smoke=False):
    return f"postgres://postgres@127.0.0.1:5432/{database_name(scale, smoke)}"


def run(command, env, timeout, echo=False):
    """Run one of our own commands (no shell); its output, or SystemExit with it when it fails."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    if echo:
        print(done.stdout, end="", flush=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def development_env(url):
    """migrate and seed: development settings (seed refuses production ones), the bench's database."""
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ENV", "DEBUG")}
    return {**env, "DJANGO_ENV": "development", "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}


def production_env(url, work, secret_key):
    """What the production settings require (fachkraefte/settings.py refuses to start without it), on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fachkraefte.settings",
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "CACHE_URL": CACHE,  # shared by the workers, as in production (docker-compose.yml, scripts/serve-local)
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "PORTAL_URL": "https://portal.example.org",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "WARNING",
    }


# --- the databases ----------------------------------------------------------------------------------------------
def exists(name):
    with psycopg.connect(ADMIN_DATABASE, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def is_seeded(scale):
    if not exists(database_name(scale)):
        return False
    with psycopg.connect(database_url(scale).replace("postgres://", "postgresql://", 1)) as db:
        if db.execute("SELECT to_regclass('partnerships_user')").fetchone()[0] is None:
            return False
        return db.execute("SELECT 1 FROM partnerships_user WHERE email = %s", [CONTACT_EMAIL]).fetchone() is not None


def prepare_database(scale, reuse, smoke=False):
    """The scale's database, migrated and seeded; returns the seconds the seeding took (None when reused)."""
    name, env = database_name(scale, smoke), development_env(database_url(scale, smoke))
    if reuse and is_seeded(scale):
        print(f"Reusing {name} (seeded earlier); migrating it to the code's models.", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env, timeout=900)
        return None
    with psycopg.connect(ADMIN_DATABASE, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    print(f"Created {name}; migrating and seeding at scale {scale} …", flush=True)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env, timeout=900)
    output = run([PYTHON, "manage.py", "seed", "--scale", scale], env, timeout=1800, echo=True)
    return float(re.search(r"Seeded at scale \w+ in ([\d.]+) s", output).group(1))


def other_scale(scale):
    return next(other for other in SCALES if other != scale)


# --- in-process figures -----------------------------------------------------------------------------------------
def empty_cache():
    """The bench's cache holds the staff dashboard's figures of one database: emptied before another uses it."""
    redis.Redis.from_url(CACHE).flushdb()


def inprocess(env, out, *, timings, smoke=False):
    empty_cache()
    command = [PYTHON, "bench/inprocess.py", "--out", str(out)] + (["--timings"] if timings else [])
    command += ["--smoke"] if smoke else []
    run(command, env, timeout=1800)
    return json.loads(out.read_text())


def other_queries(scale, work, secret_key):
    """The other scale's query counts, when its database is seeded (from an earlier `make bench SCALE=...`)."""
    other = other_scale(scale)
    if not is_seeded(other):
        return {}
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], development_env(database_url(other)), timeout=900)
    figures = inprocess(production_env(database_url(other), work, secret_key), work / f"{other}.json", timings=False)
    return {row["key"]: row["queries"] for row in figures["pages"]}


# --- the servers ------------------------------------------------------------------------------------------------
class Server:
    """gunicorn on a free loopback port, as scripts/serve-web starts it; stopped by stop(), whatever happened."""

    def __init__(self, application, env, workers, log):
        self.application, self.env, self.workers, self.log = application, env, workers, log
        self.port, self.process = free_port(), None

    def start(self):
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            self.application,
            "--bind",
            f"{load.HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--access-logfile",
            str(self.log.with_suffix(".access.log")),
            "--error-logfile",
            str(self.log),
            "--no-control-socket",
            "--timeout",
            str(load.TIMEOUT),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.application} stopped at once:\n{tail(self.log)}")
            try:
                if load.Browser(self.port).request("GET", "/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.application} did not answer within {STARTUP_SECONDS} s:\n{tail(self.log)}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's master stops its workers
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own process group (start_new_session)
            self.process.wait(timeout=10)


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind((load.HOST, 0))
        return probe.getsockname()[1]


def tail(path, characters=3000):
    return path.read_text(errors="replace")[-characters:] if path.exists() else ""


# --- the load -----------------------------------------------------------------------------------------------------
def python_milliseconds(runs=5):
    """How long this machine takes for a fixed piece of pure Python, in the portal's interpreter (median of `runs`):
    two runs of the bench, on two machines or at two times, compare only when this figure is close."""

    def work():
        return sum(len(str(number)) + number % 7 for number in range(200_000))

    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def warm(port, path, cookie, workers):
    """One request per worker at once, waited for: every worker has loaded the page's code and templates."""
    threads = [
        threading.Thread(target=load.Browser(port, cookie).request, args=("GET", path), daemon=True)
        for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=load.TIMEOUT)


def load_page(port, path, cookie, workers, seconds, slowest):
    """(one connection, one per worker), each for a fixed time; a slow page gets time for a few requests."""
    warm(port, path, cookie, workers)
    duration = int(min(SLOWEST_RUN_SECONDS, max(seconds, 5 * slowest)))
    one = load.measure(port, path, cookie, 1, duration)
    if workers == 1:  # the smoke pass: one connection per worker is the run just made
        return one, one
    time.sleep(min(10, 2 * slowest))  # requests wrk left unanswered at its end finish before the next run
    many = load.measure(port, path, cookie, workers, duration)
    time.sleep(min(10, 2 * slowest))
    return one, many


def sign_in(port, logins):
    """A cookie header per persona (None: anonymous), each through the login pages."""
    cookies = {None: ""}
    for persona, login in logins["personas"].items():
        browser = load.Browser(port)
        browser.login(logins, login["email"], logins["password"], login["totp_key"])
        cookies[persona] = browser.cookie_header()
    return cookies


def measure_all(portal, bare, figures, queries, args):
    rows = []
    one, many = load_page(bare.port, "/", "", args.workers, args.seconds, 0.01)
    size = len(load.Browser(bare.port).request("GET", "/")[2])
    rows.append(table.Row(table.BARE, one.p50_ms, one.p95_ms, one.per_second, many.per_second, html_bytes=size))
    cookies = sign_in(portal.port, figures["logins"])
    for page in figures["pages"]:
        cookie = cookies[page["persona"]]
        status, _headers, content = load.Browser(portal.port, cookie).request("GET", page["url"])
        print(f"  {page['label']}: {page['url']}", flush=True)
        row = table.Row(page["label"], status=status, html_bytes=len(content), key=page["key"])
        row.queries = {scale: counts.get(page["key"]) for scale, counts in queries.items()}
        if status == 200:
            slowest = 0 if args.smoke else page["ms"] / 1000  # the smoke pass: 1 s a run, however slow the page
            one, many = load_page(portal.port, page["url"], cookie, args.workers, args.seconds, slowest)
            row.p50_ms, row.p95_ms, row.per_second_one, row.per_second_many = (
                one.p50_ms,
                one.p95_ms,
                one.per_second,
                many.per_second,
            )
            if one.errors or many.errors:
                row.label += f" ({one.errors + many.errors} errors)"
        rows.append(row)
    return rows


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="large")
    parser.add_argument("--reuse", action="store_true", help="keep the scale's database if it is seeded already")
    parser.add_argument("--seconds", type=int, default=5, help="each load run (longer for slow pages, up to 30)")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (2 × cores + 1)"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI's pass (tests/test_bench_smoke.py): small scale in a database of its own, one worker, 1 s a page, "
        "each timing once and a short report PDF; "
        "no targets, but fails when a step breaks or a page does not answer 200",
    )
    args = parser.parse_args()
    if args.smoke:
        args.scale, args.reuse, args.seconds, args.workers = "small", False, 1, 1
    return args


def main():
    args = arguments()
    try:
        bench(args)
    finally:
        if args.smoke:
            with psycopg.connect(ADMIN_DATABASE, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {database_name(args.scale, smoke=True)} WITH (FORCE)")


def bench(args):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers (finally) when stopped
    work = Path(tempfile.mkdtemp(prefix="fachkraefte-bench-"))
    secret_key = secrets.token_urlsafe(50)
    seed_seconds = prepare_database(args.scale, args.reuse, args.smoke)
    env = production_env(database_url(args.scale, args.smoke), work, secret_key)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=900)
    print("Counting queries in-process, printing PDFs, ranking candidates …", flush=True)
    figures = inprocess(env, work / f"{args.scale}.json", timings=True, smoke=args.smoke)
    queries = {args.scale: {row["key"]: row["queries"] for row in figures["pages"]}}
    if not args.smoke:
        queries[other_scale(args.scale)] = other_queries(args.scale, work, secret_key)
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
    servers = [
        Server("bench.bare.wsgi:application", bare_env, args.workers, work / "bare.log"),
        Server("fachkraefte.wsgi:application", env, args.workers, work / "portal.log"),
    ]
    tool = "wrk" if load.have_wrk() else "a Python stand-in for wrk (install wrk for the real figures)"
    print(f"Loading each page with {tool}, {args.workers} gunicorn workers …", flush=True)
    load_before, python_before = os.getloadavg()[0], python_milliseconds()
    empty_cache()
    try:
        bare, portal = (server.start() for server in servers)
        rows = measure_all(portal, bare, figures, queries, args)
    finally:
        for server in servers:
            server.stop()
    machine = {"load": (load_before, os.getloadavg()[0]), "python_ms": (python_before, python_milliseconds())}
    report(args, figures, rows, seed_seconds, machine)
    shutil.rmtree(work, ignore_errors=True)
    if args.smoke:
        broken = [f"{row.label}: {row.status}" for row in rows if row.status != 200]
        if broken:
            sys.exit("The smoke pass found pages that do not answer 200:\n" + "\n".join(broken))
        return
    matching = figures["matching"]
    if matching["seconds"] >= matching["budget"]:
        sys.exit(f"matching is too slow: {matching['seconds']:.2f} s (budget {matching['budget']:g} s)")


def report(args, figures, rows, seed_seconds, machine):
    (load_before, load_after), (python_before, python_after) = machine["load"], machine["python_ms"]
    print()
    print(
        f"Scale {args.scale} ({figures['eois']:,} EOIs), gunicorn with {args.workers} sync workers on "
        f"{os.cpu_count()} cores, loads of {args.seconds} s or more, wrk with one thread. The machine's load "
        f"average was {load_before:.1f} before and {load_after:.1f} after: other work on it skews the times. "
        f"A fixed piece of pure Python took {python_before:.0f} ms before the load and {python_after:.0f} ms after "
        "(bench/run.py, python_milliseconds): compare two runs' times only when these figures are close."
    )
    print()
    print(table.markdown_table(rows, args.workers, SCALES))
    print()
    for line in table.timing_lines(figures, seed_seconds):
        print(line)
    if args.scale == "large":
        print()
        print("The targets (issue 15), which hold at the large scale:")
        for line in table.target_lines(rows, figures, SCALES):
            print(line)


if __name__ == "__main__":
    main()
