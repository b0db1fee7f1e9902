"""The HTTP half of `make bench`: logging in through the portal's own pages (password, then the code from the
authenticator key) and load with wrk, or with a small Python stand-in where wrk is not installed.

Loopback only; every run is bounded in time, every wait has a timeout.
"""

import http.client
import json
import re
import shutil
import subprocess  # nosec B404 - runs wrk, a fixed program with our own arguments
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django_otp.oath import totp  # pure functions: no settings needed

HOST = "127.0.0.1"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 120  # seconds for one request: the slowest page at large scale takes a few
CODE_STEP = 30  # seconds: a TOTP code works once, so a second login within one step waits for the next


class LoginFailed(Exception):
    pass


@dataclass
class Load:
    """What one load run measured: latency percentiles and throughput."""

    requests: int
    seconds: float
    p50_ms: float | None
    p95_ms: float | None
    errors: int

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


class Browser:
    """One persona's cookies against one server: the login with its second factor, then plain requests."""

    def __init__(self, port, cookie_header=""):
        self.port = port
        self.cookies = dict(part.split("=", 1) for part in cookie_header.split("; ")) if cookie_header else {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return response.status, response.headers, content

    def keep_cookies(self, headers):
        # The production cookies are Secure: a browser would not send them over http, we do (loopback only).
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def form_token(self, path):
        status, _headers, content = self.request("GET", path)
        match = CSRF_FIELD.search(content.decode("utf-8", "replace"))
        if status != 200 or match is None:
            raise LoginFailed(f"GET {path} answered {status} without a form")
        return match.group(1)

    def login(self, paths, email, password, totp_key=None):
        """The password step, and the code step for those who must give one; raises LoginFailed."""
        form = {"csrfmiddlewaretoken": self.form_token(paths["login"]), "username": email, "password": password}
        status, _headers, _content = self.request("POST", paths["login"], form)
        if status != 302:
            raise LoginFailed(f"{email}: the password step answered {status}")
        if totp_key:
            self.give_code(paths["two_factor"], email, totp_key)

    def give_code(self, path, email, key):
        for _attempt in range(3):
            code = f"{totp(bytes.fromhex(key)):06d}"
            form = {"csrfmiddlewaretoken": self.form_token(path), "code": code}
            status, _headers, _content = self.request("POST", path, form)
            if status == 302:
                return
            time.sleep(CODE_STEP + 1 - time.time() % CODE_STEP)  # this code was used already: wait for the next
        raise LoginFailed(f"{email}: the code step refused three codes")


# --- load -----------------------------------------------------------------------------------------------------------
def have_wrk():
    return shutil.which("wrk") is not None


def measure(port, path, cookie, connections, seconds):
    """Load `path` with `connections` connections for `seconds` seconds."""
    if have_wrk():
        return wrk(port, path, cookie, connections, seconds)
    return python_load(port, path, cookie, connections, seconds)


def wrk(port, path, cookie, connections, seconds):
    command = [shutil.which("wrk"), "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{TIMEOUT}s"]
    command += ["-s", str(WRK_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{port}{path}")
    # A fixed program with our own arguments, no shell.
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + TIMEOUT, check=True)  # noqa: S603  # nosec B603
    summary = json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])
    requests = summary["requests"]
    errors = sum(summary[key] for key in ("non_2xx_3xx", "connect", "read", "write", "timeout"))
    return Load(
        requests=requests,
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1000 if requests else None,
        p95_ms=summary["p95_us"] / 1000 if requests else None,
        errors=errors,
    )


def python_load(port, path, cookie, connections, seconds, max_requests=100_000):
    """wrk's job in threads, for machines without wrk: slower to generate load, so it flatters no page."""
    headers = {"Cookie": cookie} if cookie else {}
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline and len(latencies) < max_requests:
            began = time.perf_counter()
            connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 400
            except OSError:
                ok = False
            finally:
                connection.close()
            with lock:
                (latencies if ok else errors).append(time.perf_counter() - began)

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT)
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def percentile(share):
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else None

    return Load(len(ordered), elapsed, percentile(0.5), percentile(0.95), len(errors))
