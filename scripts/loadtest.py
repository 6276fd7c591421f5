"""`make loadtest`: the production server under load, each page as a share of a bare view (issue 9, §2).

Run by the Makefile inside scripts/with-postgres.sh (a throwaway PostgreSQL 15, DATABASE_URL set), after
migrate, load_criteria and demo_setup. This script starts gunicorn with deploy/gunicorn.conf.py on
127.0.0.1 and a free port (LOADTEST_VIEWS=1 adds /_bare/anon and /_bare/auth), drives it with locust
(headless, as a library: one page at a time, concurrency 1, 8 and 32, LOADTEST_SECONDS each, default 10),
always stops it, and prints a table that it also writes to var/loadtest.md.

Simulated users log in once each through the login form before their page's clock starts; logins are
not counted. Saves are spread over the sheets of every demo commune officer whose sheet is editable (and of the
officers scripts/loadtest_officers.py adds for ten more communes) and,
within a sheet, over its items (each simulated user owns its own items, so saves do not conflict).
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.log import setup_logging

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022  # the year in progress of `make run` (demo.RUN_YEAR); 2021 is published
PASSWORD = "demo-CCHC-2021"  # noqa: S105 - the demo's printed password (parindex/core/demo.py)
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("LOADTEST_CONCURRENCY", "1,8,32").split(",")]
# LOADTEST_PAGES=sheet,save: only these pages (the bare anonymous view always runs: it is the yardstick)
ONLY = {k for k in os.environ.get("LOADTEST_PAGES", "").split(",") if k}
LOG = ROOT / "var" / "loadtest-server.log"
TICK = os.sysconf("SC_CLK_TCK")
TARGET_AT = 8  # the targets are read at concurrency 8
# commune officers of the demo whose sheets take the saves (the first one's sheet is the one measured)
COMMUNES = [("02098", "hoamuc.canbo"), ("02158", "kimlu.canbo")]
# and the officers scripts/loadtest_officers.py made for more communes, so saves land on different sheets
_EXTRA = ROOT / "var/loadtest-officers.txt"
if _EXTRA.exists():
    COMMUNES += [tuple(line.split()) for line in _EXTRA.read_text().splitlines() if len(line.split()) == 2]

# links of the demo survey made by scripts/loadtest_survey.py: one unanswered (the form page), the rest with
# complete drafts, each sent once (issue 10 §5)
_SURVEY = ROOT / "var/loadtest-survey.txt"
_LINKS = [line.split() for line in _SURVEY.read_text().splitlines()] if _SURVEY.exists() else []
FORM_LINK = next((t for kind, t in _LINKS if kind == "form"), "")
SUBMIT_LINKS = iter([t for kind, t in _LINKS if kind == "submit"])

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_RE = re.compile(r'<form class="item-form"[^>]*action="([^"]+)"[^>]*data-version="(\d+)">(.*?)</form>', re.S)


@dataclass
class Page:
    key: str
    label: str
    path: str
    username: str | None = None
    save: bool = False
    submit: bool = False


PAGES = [
    Page("bare-anon", "bare view, anonymous", "/_bare/anon"),
    Page("bare-auth", "bare view, logged in", "/_bare/auth", "snv.dieuphoi"),
    Page("sheet", "commune score sheet (02098)", f"/ky/{YEAR}/don-vi/02098/tu-danh-gia/", "hoamuc.canbo"),
    Page("save", "one score save", "", save=True),
    Page("board", "province board", f"/ky/{YEAR}/bang-theo-doi/tinh/", "snv.dieuphoi"),
    Page("appraisal", "appraisers' list", f"/ky/{YEAR}/tham-dinh/", "snv.totruong"),
    Page("criteria", "public criteria (index)", "/bo-tieu-chi/"),
    Page("criteria-set", "public criteria (commune set)", "/bo-tieu-chi/backan-2021-commune/"),
    Page("results", "public results (district 062)", f"/cong-bo/{YEAR}/huyen/062/"),
    Page("survey-form", "survey questionnaire, a section (public)", f"/phieu/{FORM_LINK}/phan-1/"),
    Page("survey-submit", "survey questionnaire, one submission", "", submit=True),
]


@dataclass
class Result:
    page: Page
    users: int
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    requests: int = 0
    errors: int = 0
    server_p50: float = 0.0  # the server's own time per request (gunicorn's access log, %(M)s)
    server_p95: float = 0.0
    cpu_server: float = 0.0  # CPU ms per request: gunicorn (master and workers), the load generator, the rest
    cpu_client: float = 0.0  # (PostgreSQL and anything else), and the share of the two cores left idle
    cpu_other: float = 0.0
    idle: float = 0.0
    note: str = ""
    error_kinds: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_items(text: str) -> list[tuple[str, int, str, str]]:
    """(save URL, version, points, explanation) of every editable item form of a score sheet."""
    items = []
    for action, version, body in FORM_RE.findall(text):
        if re.search(r"<fieldset[^>]*\bdisabled\b", body):
            continue
        m = re.search(r'name="points" class="points" value="([^"]*)"', body)
        if m:  # a range item: keep its points, or 0
            points = html.unescape(m.group(1)) or "0"
        else:  # a choice item: its first choice
            m = re.search(r'type="radio" name="points" value="([^"]+)"', body)
            if not m:
                continue
            points = html.unescape(m.group(1))
        m = re.search(r'<textarea name="explanation"[^>]*>(.*?)</textarea>', body, re.S)
        explanation = html.unescape(m.group(1)) if m else ""
        items.append((html.unescape(action), int(version), points, explanation))
    return items


class Base(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    page: Page
    ready = 0
    index_counter = 0
    n_users = 1
    setup_errors: list[str] = []
    editable_sheets: dict[str, list] = {}

    def login(self, username: str) -> None:
        r = self.client.get("/tai-khoan/dang-nhap/", name="(login)")
        token = CSRF_RE.search(r.text).group(1)
        r = self.client.post("/tai-khoan/dang-nhap/", name="(login)",
                             data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        if r.status_code != 200 or "/tai-khoan/dang-nhap/" in (r.url or ""):
            raise RuntimeError(f"login of {username} failed ({r.status_code})")

    def on_start(self) -> None:
        cls = type(self)
        self.index = cls.index_counter
        cls.index_counter += 1
        try:
            self.setup()
        except Exception as exc:  # noqa: BLE001 - reported in the table, the run goes on
            cls.setup_errors.append(str(exc))
            raise
        cls.ready += 1

    def setup(self) -> None:
        if self.page.username:
            self.login(self.page.username)


class Reader(Base):
    """GETs its page. (The task lives here, not on Base: locust gathers the tasks of every base class, so a
    task on Base would also run beside Saver's and send it GET requests to "/" between the saves.)"""

    abstract = True

    @task
    def hit(self) -> None:
        with self.client.get(self.page.path, name=self.page.key, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class Submitter(Base):
    """Sends questionnaires: each request is «Gửi phiếu» on a link of its own whose draft is complete (the answers
    were saved section by section before; scripts/loadtest_survey.py), i.e. one collect.submit."""

    abstract = True

    def setup(self) -> None:
        r = self.client.get(f"/phieu/{FORM_LINK}/phan-1/", name="(survey form before submissions)")
        self.token = CSRF_RE.search(r.text).group(1)  # and the CSRF cookie, kept by the client

    @task
    def hit(self) -> None:
        link = next(SUBMIT_LINKS, None)
        if link is None:
            raise RuntimeError("no more survey links (scripts/loadtest_survey.py: raise WANTED)")
        with self.client.post(f"/phieu/{link}/gui/", name=self.page.key, catch_response=True, allow_redirects=False,
                              data={"confirmed": "1", "csrfmiddlewaretoken": self.token}) as r:
            if r.status_code != 302:
                r.failure(f"HTTP {r.status_code}")


class Saver(Base):
    abstract = True

    def setup(self) -> None:
        sheets = [c for c in COMMUNES if self.editable_sheets.get(c[0])]
        code, username = sheets[self.index % len(sheets)]
        self.login(username)
        sheet_url = f"/ky/{YEAR}/don-vi/{code}/tu-danh-gia/"
        r = self.client.get(sheet_url, name="(sheet before saves)")
        self.token = CSRF_RE.search(r.text).group(1)
        items = parse_items(r.text)
        # the users on this sheet share its items: user k takes every n-th item from its slot
        on_sheet = [i for i in range(self.n_users) if i % len(sheets) == self.index % len(sheets)]
        slot, n = on_sheet.index(self.index), len(on_sheet)
        mine = items[slot::n] or items[slot % len(items):][:1]
        self.items = [list(i) for i in mine]
        self.turn = 0

    @task
    def hit(self) -> None:
        item = self.items[self.turn % len(self.items)]
        self.turn += 1
        action, version, points, explanation = item
        with self.client.post(action, name="save", catch_response=True,
                              headers={"Accept": "application/json", "X-CSRFToken": self.token},
                              data={"points": points, "version": str(version), "explanation": explanation,
                                    "csrfmiddlewaretoken": self.token}) as r:
            if r.status_code == 200:
                item[1] = r.json()["version"]
            elif r.status_code == 409:
                data = r.json()
                if "version" in data:
                    item[1] = data["version"]
                r.failure("HTTP 409 (conflict)")
            else:
                r.failure(f"HTTP {r.status_code}")


def probe_sheets(host: str) -> dict[str, list]:
    """Which demo communes' sheets take saves (editable items) — read once, before the runs."""
    import requests

    found = {}
    for code, username in COMMUNES:
        s = requests.Session()
        r = s.get(f"{host}/tai-khoan/dang-nhap/", timeout=30)
        token = CSRF_RE.search(r.text).group(1)
        s.post(f"{host}/tai-khoan/dang-nhap/", timeout=30,
               data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        r = s.get(f"{host}/ky/{YEAR}/don-vi/{code}/tu-danh-gia/", timeout=30)
        found[code] = parse_items(r.text) if r.status_code == 200 else []
        print(f"  sheet {code} ({username}): HTTP {r.status_code}, {len(found[code])} editable items")
    return found


def _ticks(pid: int, children: bool = False) -> int:
    """CPU ticks of a process (with ``children``: plus its reaped children's, e.g. gunicorn's old workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children else 0)


def _children(master: int) -> list[int]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(proc, "stat").read_text().rsplit(")", 1)[1].split()[1] == str(master):
                found.append(int(proc.name))
        except (OSError, IndexError):
            continue
    return found


def _server_ticks(master: int) -> int:
    return _ticks(master, children=True) + sum(_ticks(pid) for pid in _children(master))


def _machine_ticks() -> tuple[int, int]:
    """(busy, idle) ticks of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, idle


class Meter:
    """CPU of the server, the load generator and the rest, and the server's own times, over one run."""

    def __init__(self, master: int):
        self.master = master
        self.log_at = LOG.stat().st_size if LOG.exists() else 0
        self.server, self.client = _server_ticks(master), _ticks(os.getpid())
        self.busy, self.idle = _machine_ticks()

    def finish(self, result: Result, path_re: re.Pattern) -> None:
        server, client = _server_ticks(self.master) - self.server, _ticks(os.getpid()) - self.client
        busy, idle = (now - then for now, then in zip(_machine_ticks(), (self.busy, self.idle), strict=True))
        per = 1000 / TICK / max(result.requests, 1)
        result.cpu_server, result.cpu_client = server * per, client * per
        result.cpu_other = max(busy - server - client, 0) * per
        result.idle = 100 * idle / max(busy + idle, 1)
        with LOG.open(encoding="utf-8", errors="replace") as log:
            log.seek(self.log_at)
            times = sorted(int(m.group(2)) for m in ACCESS_RE.finditer(log.read()) if path_re.fullmatch(m.group(1)))
        if times:
            result.server_p50 = times[len(times) // 2]
            result.server_p95 = times[min(len(times) - 1, int(len(times) * 0.95))]


ACCESS_RE = re.compile(r'"(?:GET|POST) (\S+) HTTP/1\.1" (?:200|302) \d+ (\d+)ms')


def run_one(host: str, page: Page, users: int, sheets: dict, master: int) -> Result:
    base = Saver if page.save else Submitter if page.submit else Reader
    cls = type(f"User_{page.key.replace('-', '_')}", (base,), {
        "page": page, "host": host, "ready": 0, "index_counter": 0, "n_users": users,
        "setup_errors": [], "editable_sheets": sheets, "abstract": False})
    env = Environment(user_classes=[cls], host=host)
    runner = env.create_local_runner()
    result = Result(page, users)
    runner.start(users, spawn_rate=users)
    deadline = time.monotonic() + 180
    while cls.ready + len(cls.setup_errors) < users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    if cls.setup_errors:
        result.note = f"{len(cls.setup_errors)} users failed to start: {cls.setup_errors[0]}"
    env.stats.reset_all()
    meter = Meter(master)
    started = time.monotonic()
    gevent.sleep(SECONDS)
    elapsed = time.monotonic() - started
    method = "POST" if page.save or page.submit else "GET"
    entry = env.stats.get(page.key, method)
    requests_done = entry.num_requests
    result.requests = requests_done
    result.errors = entry.num_failures
    result.rps = requests_done / elapsed
    if requests_done:
        result.p50, result.p95, result.p99 = (entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99))
    result.error_kinds = sorted({str(e.error) for e in env.stats.errors.values()})
    stray = sum(e.num_requests for (name, method), e in env.stats.entries.items()
                if (name, method) != (page.key, "POST" if page.save or page.submit else "GET"))
    if stray:  # the clock must count one kind of request only
        result.note = f"{stray} other requests during the run (a defect of the load test)"
    path = r".*/muc/[^/]+/" if page.save else r"/phieu/[^/]+/gui/" if page.submit else re.escape(page.path)
    meter.finish(result, re.compile(path))
    runner.quit()
    return result


def start_server(port: int) -> subprocess.Popen:
    log = open(LOG, "w")  # noqa: SIM115 - closed with the process
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "LOADTEST_VIEWS": "1"}
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "parindex.wsgi"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    import requests

    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up (see var/loadtest-server.log), code {proc.returncode}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/_bare/anon", timeout=2).status_code == 200:
                return proc
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s (see var/loadtest-server.log)")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def fmt(x: float) -> str:
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def report(results: list[Result], sheets: dict, started: datetime, n_workers: int) -> str:
    bare = {r.users: r.rps for r in results if r.page.key == "bare-anon"}
    share = {(r.page.key, r.users): (100 * r.rps / bare[r.users] if bare.get(r.users) else 0.0) for r in results}
    cores = len(os.sched_getaffinity(0))
    saved_on = [c for c, items in sheets.items() if items]
    lines = [
        f"# make loadtest — {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {cores} cores ({os.uname().machine}), load generator (locust, one process) on the same machine; "
        f"gunicorn with deploy/gunicorn.conf.py ({n_workers} workers); PostgreSQL 15 on loopback. {SECONDS:g} s per "
        "page and concurrency, after every simulated user has logged in. p50/p95/p99: the client's latency; server "
        "p50/p95: gunicorn's own time per request (its access log; the wait for a free worker not included); CPU "
        "ms/req: gunicorn (master and workers) / the load generator / the rest (PostgreSQL, the system); idle: the "
        "share of the two cores left unused.",
        f"Saves spread over the sheets of communes {', '.join(saved_on) or '(none editable)'} and over their items.",
        "",
        "| page | users | req/s | p50 ms | p95 ms | p99 ms | server p50/p95 ms | CPU ms/req server/client/rest "
        "| idle | errors | % of bare anon |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.page.label} | {r.users} | {fmt(r.rps)} | {r.p50:.0f} | {r.p95:.0f} | {r.p99:.0f} | "
                     f"{r.server_p50:.0f}/{r.server_p95:.0f} | "
                     f"{r.cpu_server:.1f}/{r.cpu_client:.1f}/{r.cpu_other:.1f} | "
                     f"{r.idle:.0f} % | {r.errors}/{r.requests} | {share[(r.page.key, r.users)]:.1f} % |")
    notes = [f"- {r.page.label} at {r.users}: {r.note or ''} {'; '.join(r.error_kinds)}".rstrip()
             for r in results if r.note or r.errors]
    if notes:
        lines += ["", "Errors and notes:", *notes]

    def at8(key: str) -> Result | None:
        return next((r for r in results if r.page.key == key and r.users == TARGET_AT), None)

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines += ["", f"Targets (issue 9 §2; the survey: issue 10 §5), at concurrency {TARGET_AT}:", ""]
    checks = [("bare-auth", 25.0, "logged-in bare view ≥ 25 %")]
    checks += [("sheet", 5.0, "score sheet ≥ 5 %"), ("save", 5.0, "one score save ≥ 5 %")]
    special = {"bare-anon", "bare-auth", "sheet", "save", "survey-form", "survey-submit"}
    checks += [(p.key, 5.0, f"{p.label} ≥ 5 %") for p in PAGES if p.key not in special]
    checks += [("survey-submit", 7.0, "survey submissions ≥ 7 % (issue 10 §5)")]
    for key, threshold, text in checks:
        r = at8(key)
        if r is None:
            lines.append(f"- {text}: not measured")
            continue
        value = share[(key, TARGET_AT)]
        ok = value >= threshold and r.errors == 0
        extra = f", {r.errors} errors" if r.errors else ""
        lines.append(f"- {text}: {value:.1f} %{extra} — {verdict(ok)}")
        if key == "survey-submit":
            lines.append(f"- survey submissions ≥ 200/s: {r.rps:.0f}/s — {verdict(r.rps >= 200 and r.errors == 0)}")
            lines.append(f"- survey submission p95 < 300 ms: {r.p95:.0f} ms (server {r.server_p95:.0f} ms) — "
                         f"{verdict(0 < r.p95 < 300)}")
        if key == "sheet":
            lines.append(f"- score sheet server p95 < 60 ms: {r.server_p95:.0f} ms (client p95 {r.p95:.0f} ms) — "
                         f"{verdict(0 < r.server_p95 < 60)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    setup_logging("WARNING")
    started = datetime.now(UTC)
    (ROOT / "var").mkdir(exist_ok=True)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    print(f"gunicorn on {host} (log: var/loadtest-server.log)")
    proc = start_server(port)
    n_workers = len(_children(proc.pid))
    results: list[Result] = []
    try:
        sheets = probe_sheets(host)
        for page in PAGES:
            if ONLY and page.key not in ONLY | {"bare-anon"}:
                continue
            if page.key.startswith("survey") and not FORM_LINK:
                print("  no survey links (var/loadtest-survey.txt): the questionnaire is not measured")
                continue
            if page.save and not any(sheets.values()):
                print("  no editable sheet: saves not measured")
                continue
            for users in CONCURRENCY:
                r = run_one(host, page, users, sheets, proc.pid)
                print(f"  {page.key:13} {users:3} users: {fmt(r.rps):>6} req/s  p50 {r.p50:.0f}  p95 {r.p95:.0f}  "
                      f"server p50/p95 {r.server_p50:.0f}/{r.server_p95:.0f}  CPU ms/req "
                      f"{r.cpu_server:.1f}/{r.cpu_client:.1f}/{r.cpu_other:.1f} idle {r.idle:.0f} %  "
                      f"p99 {r.p99:.0f} ms  errors {r.errors}/{r.requests} {r.note}", flush=True)
                results.append(r)
    finally:
        stop_server(proc)
    text = report(results, sheets, started, n_workers)
    (ROOT / "var" / "loadtest.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print("Written to var/loadtest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
