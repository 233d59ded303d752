"""The pages as a person gets them: gunicorn (2 workers, DEBUG off) on loopback, PostgreSQL, a
workspace built by `manage.py bench_dataset`, each page measured with wrk against the floor
view (bench/floor.py) in interleaved rounds. Optionally (`--load`) the locust test after.

Usage:
  python bench/serve.py --clients 1000 [--clients 5000 …] [--days 180] [--rounds 3]
                        [--seconds 5] [--connections 2] [--keep] [--load] [--profile PAGE]

Each size gets a database of its own, clientwise_bench_<clients> on the server of
BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432 by default), built unless `--keep` finds
it there; the server uses Redis at BENCH_REDIS_URL (redis://127.0.0.1:6379/15). For each size:
a table on stdout, and bench/results/pages-<clients>.json (p50 and p99 in ms, requests a second,
queries, HTML size, p50 over the floor's p50).
Needs wrk (`apt-get install wrk`); `--load` and `--profile` need .venv-bench (`make bench`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
BENCH_BIN = ROOT / ".venv-bench" / "bin"
SLUG = "bench"
OWNER = f"member0@{SLUG}.bench.example"
PASSWORD = "bench-passphrase"  # home.benchdata.PASSWORD
PORT = 8765
HOST = f"127.0.0.1:{PORT}"


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)  # a POST's form, without request_key


@dataclass
class Measured:
    p50_ms: float
    p99_ms: float
    requests_per_s: float
    errors: int
    queries: int = 0
    html_kb: float = 0.0
    ratio: float = 0.0  # p50 over the floor's p50
    rounds: list[dict] = field(default_factory=list)


# The server and its database -------------------------------------------------------------


def database_url(clients: int) -> str:
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    return f"{server.rstrip('/')}/clientwise_bench_{clients}"


def server_env(url: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "TASK_BACKEND": "database",
        # As docker-compose.yml runs it: connections kept, rate limits in Redis.
        "CONN_MAX_AGE": "60",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def build(clients: int, args) -> str:
    """The database for `clients`, built (unless kept) by migrate and bench_dataset."""
    import psycopg

    url = database_url(clients)
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = connection.execute(query, [name]).fetchone()
        if not (exists and args.keep):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    env = server_env(url) | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    if exists and args.keep:
        manage(env, "migrate", "--noinput", "-v0")  # to the schema of the code measured
        print(f"{name}: kept")
        vacuum(url)
        return url
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    interactions = args.interactions_per_client * clients
    manage(
        env,
        "bench_dataset",
        f"--clients={clients}",
        f"--interactions={interactions}",
        f"--members={args.members}",
        f"--days-of-history={args.days}",
        f"--slug={SLUG}",
    )
    print(f"{name}: built in {time.monotonic() - started:.0f} s")
    vacuum(url)
    return url


def vacuum(url: str) -> None:
    """The database as autovacuum leaves it soon after the writes (the snapshots' table is
    vacuumed after every thousand rows written: assessments migration 0014)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


class Server:
    """gunicorn serving the app in production mode, as the deployment runs it, with the task
    worker beside it: the rescores that the quick logs queue run on the same two cores."""

    def __init__(self, url: str, workers: int) -> None:
        self.env = server_env(url)
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        manage(self.env, "collectstatic", "--noinput", "-v0")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                f"--workers={self.workers}",
                f"--bind={HOST}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-reload", "-v0"], cwd=ROOT, env=self.env
        )
        for _ in range(100):
            try:
                if request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz")

    def __exit__(self, *exc) -> None:
        for process in (self.process, self.worker):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    def pids(self) -> list[int]:
        """The workers' process ids (children of the gunicorn master)."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]


# Talking to it ---------------------------------------------------------------------------

# What the proxy in front adds: the app sees HTTPS (secure cookies, no redirect).
PROXIED = {"X-Forwarded-Proto": "https", "Host": HOST}


def request(method: str, path: str, *, headers=None, body: str | None = None):
    connection = http.client.HTTPConnection(HOST, timeout=60)
    connection.request(method, path, body=body, headers=PROXIED | (headers or {}))
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.headers, data


def cookies_of(headers, jar: dict[str, str]) -> dict[str, str]:
    for header in headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        jar |= {name: morsel.value for name, morsel in cookie.items()}
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def csrf_of(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1).decode()


class Session:
    """Logged in through the real login form, as a person is."""

    def __init__(self) -> None:
        status, headers, html = request("GET", "/accounts/login/")
        self.jar = cookies_of(headers, {})
        form = {"username": OWNER, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(html)}
        status, headers, _ = self.post("/accounts/login/", form)
        if status != 302 or "sessionid" not in self.jar:
            raise RuntimeError(f"login failed ({status})")

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": cookie_header(self.jar)}

    def get(self, path: str, headers=None):
        return request("GET", path, headers=self.headers | (headers or {}))

    def post(self, path: str, form: dict[str, str], headers=None):
        status, response_headers, data = request(
            "POST",
            path,
            headers=self.headers
            | {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{path}",
            }
            | (headers or {}),
            body=urlencode(form),
        )
        cookies_of(response_headers, self.jar)
        return status, response_headers, data

    def token(self, path: str) -> str:
        """A CSRF token from a page's form (the cookie's own value is masked into it)."""
        return csrf_of(self.get(path)[2])


def pages(session: Session, url: str) -> list[Page]:
    """The floor, then every page the targets name, with a quick log by POST."""
    import psycopg

    with psycopg.connect(url) as connection:
        busiest, name = connection.execute(
            """SELECT c.code, c.name FROM portfolio_client c
               JOIN portfolio_interaction i ON i.client_id = c.id
               WHERE c.status = 'active' GROUP BY c.id ORDER BY count(*) DESC LIMIT 1"""
        ).fetchone()
    ws = f"/w/{SLUG}"
    review = _review(session, f"{ws}/clients/{busiest}/review/")
    token = session.token(f"{ws}/")
    return [
        Page("floor", f"{ws}/floor/"),
        Page("today", f"{ws}/"),
        Page("portfolio", f"{ws}/portfolio/"),
        Page("client list", f"{ws}/clients/?status=active&sort=-last_contact"),
        Page("client page", f"{ws}/clients/{busiest}/"),
        Page("health panel", f"{ws}/clients/{busiest}/health/", headers={"HX-Request": "true"}),
        Page("alerts", f"{ws}/alerts/"),
        Page("review step", f"{review}step/1/"),
        Page(
            "quick-log POST",
            f"{ws}/interactions/new/",
            method="POST",
            headers={"HX-Request": "true", "HX-Target": "quick-log"},
            body={
                "csrfmiddlewaretoken": token,
                "client": name,
                "kind": "call",
                "minutes": "15",
                "summary": "A call, from the benchmark",
            },
        ),
    ]


def _review(session: Session, begin: str) -> str:
    """A review of the busiest client (begun through its page, as a person begins it), or the
    one begun by an earlier run, which the page resumes."""
    status, headers, page = session.get(begin)
    if status == 200:
        status, headers, _ = session.post(begin, {"csrfmiddlewaretoken": csrf_of(page)})
    location = headers.get("Location", "")
    match = re.search(r"(/w/[^/]+/reviews/[0-9a-f-]+/)", location)
    if status != 302 or not match:
        raise RuntimeError(f"could not begin a review ({status} {location})")
    return match.group(1)


# Measuring -------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
WRK_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local body = os.getenv("BENCH_BODY")
math.randomseed(os.time())
request = function()
  local key = string.format("%08x-%04x-4%03x-a%03x-%012x", math.random(0, 0xffffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff),
    math.random(0, 0xffffffffffff))
  return wrk.format(nil, nil, nil, body .. "&request_key=" .. key)
end
"""


def wrk(page: Page, session: Session, args) -> dict:
    headers = PROXIED | session.headers | page.headers
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        if page.method == "POST":
            headers |= {"Origin": f"https://{HOST}", "Referer": f"https://{HOST}{page.path}"}
            script = Path(scratch) / "post.lua"
            script.write_text(WRK_POST)
            command += ["-s", str(script)]
            env["BENCH_BODY"] = urlencode(page.body)
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://{HOST}{page.path}")
        out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "p50_ms": _latency(out, "50%"),
        "p99_ms": _latency(out, "99%"),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * UNITS[unit]


def shape(page: Page, session: Session) -> tuple[int, float]:
    """Queries and HTML size of one response."""
    if page.method == "POST":
        form = page.body | {"request_key": str(uuid.uuid4())}
        status, headers, data = session.post(page.path, form, headers=page.headers)
    else:
        status, headers, data = session.get(page.path, headers=page.headers)
    if status != 200:
        raise RuntimeError(f"{page.name}: {status}")
    return int(headers.get("X-Queries", 0)), len(data) / 1024


def measure(all_pages: list[Page], session: Session, args) -> dict[str, Measured]:
    shapes = {page.name: shape(page, session) for page in all_pages}  # and a warm-up
    rounds: dict[str, list[dict]] = {page.name: [] for page in all_pages}
    for number in range(args.rounds):
        # Interleaved, each round in another order, so that a slow moment of the machine
        # falls on every page alike.
        order = all_pages[number % len(all_pages) :] + all_pages[: number % len(all_pages)]
        for page in order:
            rounds[page.name].append(wrk(page, session, args))
    measured = {}
    for page in all_pages:
        runs = rounds[page.name]
        queries, html_kb = shapes[page.name]
        measured[page.name] = Measured(
            p50_ms=statistics.median(run["p50_ms"] for run in runs),
            p99_ms=statistics.median(run["p99_ms"] for run in runs),
            requests_per_s=statistics.mean(run["requests_per_s"] for run in runs),
            errors=sum(run["errors"] for run in runs),
            queries=queries,
            html_kb=round(html_kb, 1),
            rounds=runs,
        )
    floor = measured["floor"].p50_ms
    for result in measured.values():
        result.ratio = round(result.p50_ms / floor, 2)
    return measured


def table(clients: int, measured: dict[str, Measured]) -> str:
    lines = [
        f"{clients} clients",
        f"{'page':<16}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}{'queries':>9}{'KB':>8}{'× floor':>9}",
    ]
    for name, m in measured.items():
        lines.append(
            f"{name:<16}{m.p50_ms:>9.1f}{m.p99_ms:>9.1f}{m.requests_per_s:>8.1f}"
            f"{m.queries:>9}{m.html_kb:>8.1f}{m.ratio:>9.2f}"
            + (f"  {m.errors} errors" if m.errors else "")
        )
    return "\n".join(lines)


# Load test and profile ------------------------------------------------------------------


def load_test(args) -> dict:
    """The locust test: 20 people, 1–3 s between actions, 5 a second spawned, 60 s; the
    figures from the moment the last of them has logged in (bench/locustfile.py)."""
    prefix = Path(tempfile.mkdtemp()) / "locust"
    subprocess.run(
        [
            BENCH_BIN / "locust",
            *("-f", ROOT / "bench" / "locustfile.py", "--headless", "--only-summary"),
            *("-u", str(args.users), "-r", "5", "-t", f"{args.load_seconds}s"),
            *("--host", f"http://{HOST}", "--csv", str(prefix)),
        ],
        env=os.environ | {"BENCH_EMAIL": OWNER, "BENCH_PASSWORD": PASSWORD, "BENCH_SLUG": SLUG},
        check=False,
    )
    import csv

    with open(f"{prefix}_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    return {
        "users": args.users,
        "seconds": args.load_seconds,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
    }


def profile(server: Server, page: Page, session: Session, args) -> None:
    """py-spy records a worker while wrk drives one page; prints where the time went (each
    function of ours with the share of samples it is on the stack of) and keeps the stacks."""
    out = RESULTS / f"profile-{page.name.replace(' ', '-')}.txt"
    spy = subprocess.Popen(
        [
            *(BENCH_BIN / "py-spy", "record", "--format", "raw", "-o", str(out)),
            *("-d", str(args.seconds), "-p", str(server.pids()[0])),
        ],
        stdout=subprocess.DEVNULL,
    )
    wrk(page, session, args)
    spy.wait()
    print(f"profile of {page.name} ({out}):")
    for share, frame in hot_frames(out):
        print(f"{share:6.1%}  {frame}")


OURS = ("accounts/", "portfolio/", "assessments/", "reviews/", "audit/", "home/", "config/")


def hot_frames(collapsed: Path, *, top: int = 30) -> list[tuple[float, str]]:
    """Inclusive shares of the frames in py-spy's collapsed stacks, ours and the database's."""
    total, inclusive = 0, {}
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in set(stack.split(";")):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
    shown = [
        (samples / total, frame)
        for frame, samples in inclusive.items()
        if frame.rpartition("(")[2].startswith(OURS) or "CursorWrapper.execute " in frame
    ]
    return sorted(shown, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, action="append", help="Repeat for more sizes.")
    parser.add_argument("--interactions-per-client", type=int, default=500)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="Reuse a database built before.")
    parser.add_argument("--load", action="store_true", help="Then run the locust test.")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--profile", help="The name of a page to profile with py-spy.")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for clients in args.clients or [100]:
        url = build(clients, args)
        with Server(url, args.workers) as server:
            session = Session()
            all_pages = pages(session, url)
            if args.profile:
                profile(server, next(p for p in all_pages if p.name == args.profile), session, args)
                continue
            measured = measure(all_pages, session, args)
            print(table(clients, measured))
            result = {
                "clients": clients,
                "interactions": args.interactions_per_client * clients,
                "days_of_history": args.days,
                "members": args.members,
                "server": {"workers": args.workers, "debug": False, "database": "postgresql"},
                "wrk": {
                    "connections": args.connections,
                    "seconds": args.seconds,
                    "rounds": args.rounds,
                },
                "pages": {name: asdict(m) for name, m in measured.items()},
            }
            if args.load:
                result["load"] = load_test(args)
                print("load:", json.dumps(result["load"]))
            (RESULTS / f"pages-{clients}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
