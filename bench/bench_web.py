"""Pages under production settings at 1× and 5× the district, beside a bare Flask page (issue 11).

For each scale: a PostgreSQL database with the demo data plus synthetic data (1×: 10,000
postings and 2,000 majors; 5×: 50,000 and 10,000; `flask seed --postings --majors`, then
`flask recompute-proposals`), the platform under gunicorn (-w 2, production mode, Redis at
REDIS_URL or 127.0.0.1:6379 as in production) and the bare
page of bench/bare_app.py under the same gunicorn. wrk measures each page's throughput; one
request measures its size and latency. Every figure is printed beside its target; ratios are
against the bare page measured in the same run, medians of --repeat runs.

    .venv/bin/python bench/bench_web.py [--scales 1,5] [--repeat 3] [--seconds 8] [--pages dashboard]

--pages measures only the pages whose label contains it. Databases are created as xq_web_1x /
xq_web_5x on TEST_DATABASE_URL's server, kept and reused when present (a second run skips
seeding; drop them to seed again).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # dashboard_queries imports the platform
SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZES = {1: (10_000, 2_000), 5: (50_000, 10_000)}
DEMO_PASSWORD = "laiwu-demo-2026"

# (label, url, who, target) — who: None (anonymous) or a demo account.
PAGES = [
    ("/postings", "/postings", None, "≥ 25 % of bare; 5×/1× ≤ 1.3"),
    ("/postings?q=焊接", "/postings?q=" + urllib.parse.quote("焊接"), None, "≥ 20 % of bare; flat"),
    ("/named-classes", "/named-classes", None, "flat"),
    ("/stats", "/stats", None, "flat"),
    ("/stats/alignment", "/stats/alignment", None, "flat"),
    ("/school/proposals", "/school/proposals", "school@xiaoqi-demo.cn", "< 200 KB, < 150 ms"),
    ("/enterprise/proposals", "/enterprise/proposals", "hr@xiaoqi-demo.cn", "paginated, flat"),
    ("/enterprise/postings", "/enterprise/postings", "hr@xiaoqi-demo.cn", "paginated, < 150 ms"),
    ("/admin/dashboard", "/admin/dashboard", "admin@xiaoqi-demo.cn", "≤ 300 ms at 5×"),
    ("/admin/dashboard/schools", "/admin/dashboard/schools", "admin@xiaoqi-demo.cn", "a page of 50 schools"),
]
# The same searches with the page cache off (PAGE_CACHE_SECONDS=0): what a first visitor pays.
UNCACHED = [(f"{label} (no cache)", path, who, "≥ 30 % of bare") for label, path, who, _ in PAGES[:4]]
# The cheapest logged-in page (issue 31, the base cost of a page).
PAGES.append(("/enterprise/ home", "/enterprise/", "hr@xiaoqi-demo.cn", "≥ 30 % of bare"))

# Many distinct URLs, as people ask them (issue 31): wrk cycles through them, each thread from its
# own place; each repeat asks URLs no earlier repeat asked (so the page cache holds none of them).
SEARCH_WORDS = [
    "焊接", "装配", "工业机器人", "数控加工", "电气控制", "新能源汽车", "护理", "老年照护", "药物制剂",
    "农产品加工", "直播电商", "网店运营", "冷链物流", "质量检测", "不锈钢", "钳工", "实习", "培训",
    "订单班", "学徒", "兼职教师", "莱芜", "高庄", "新能源", "焊工",
]  # fmt: skip
SORTS = ("newest", "deadline", "headcount")


def distinct_paths(kind: str, repeat: int) -> list[str]:
    """400 URLs: 25 common words × 16 pages ("searches") or 400 list pages ("lists")."""
    if kind == "searches":
        pages = range(repeat * 16 + 1, repeat * 16 + 17)
        return [f"/postings?q={urllib.parse.quote(w)}&page={p}" for w in SEARCH_WORDS for p in pages]
    return [f"/postings?sort={SORTS[repeat % 3]}&page={p}" for p in range(1, 401)]


DISTINCT = [
    ("400 distinct searches", "searches", None, "≥ 30 % of bare; 5×/1× ≥ 0.8"),
    ("400 distinct list pages", "lists", None, "≥ 40 % of bare"),
]

# Issue 31's table: (what, today as the issue measured it, target). "now" is filled from this run
# (and from bench/bench_jobs.py for the two jobs).
ISSUE_31 = [
    ("400 distinct searches, 1×", "9.4 % of bare", "≥ 30 %, and 5× / 1× ≥ 0.8"),
    ("400 distinct list pages, 1×", "33 %", "≥ 40 %"),
    ("cheapest logged-in page (/enterprise/)", "13–18 %", "≥ 30 %"),
    ("public /stats and /named-classes, cache off", "7.7 % and 8.6 %", "≥ 30 %"),
    ("/postings and ?q=焊接 with the page cache off", "11.0 % and 8.5 %", "≥ 30 %"),
    ("/admin/dashboard at 5×", "68 queries, 365 ms", "≤ 20 queries, ≤ 300 ms"),
    ("one major published / edited, 5×", "19 s job", "≤ 2 s (bench_jobs.py)"),
    ("district recompute, 5×, from empty", "76 s", "≤ 60 s (bench_jobs.py --from-empty)"),
]


def _url(database: str) -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + database


def _env(db_url: str) -> dict:
    return {
        **os.environ,
        "FLASK_APP": "portal:create_app",
        "FLASK_ENV": "production",
        "SECRET_KEY": "bench",
        "DATABASE_URL": db_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "ALLOW_DEMO_IN_PRODUCTION": "1",
        "JOBS_BACKEND": "inline",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
    }


def prepare(scale: int) -> str:
    import psycopg

    name = f"xq_web_{scale}x"
    admin = _url("postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    db_url = _url(name)
    if not exists:
        postings, majors = SIZES[scale]
        env = _env(db_url)
        flask = [sys.executable, "-m", "flask"]
        started = time.perf_counter()
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run(
            [*flask, "seed", "--postings", str(postings), "--majors", str(majors)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        subprocess.run([*flask, "recompute-proposals"], env=env, cwd=ROOT, check=True, capture_output=True)
        # What autovacuum does in production after so many writes (the statistics, and the pages it
        # marks all-visible, which index-only scans rely on); this machine's PostgreSQL runs without it.
        with psycopg.connect(db_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(
            f"  seeded {name}: {postings} postings, {majors} majors in {time.perf_counter() - started:.0f} s"
        )
    return db_url


def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    import socket

    with socket.socket() as probe:  # a server left over from an earlier run would answer instead
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is already in use")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--timeout", "30", "-b", f"127.0.0.1:{port}", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/healthz" if "portal" in app else f"http://127.0.0.1:{port}/",
                timeout=5,
            )
            return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{app} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def session_cookie(port: int, email: str) -> str:
    """Log in as `email`; the session cookie. (Production cookies are Secure, which a cookie jar
    would not send over the benchmark's plain HTTP: the headers are handled by hand.)"""
    import http.client

    def request(method: str, path: str, cookie: str = "", body: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        found = re.search(r"xq_session=([^;]+)", response.getheader("Set-Cookie") or "")
        return text, (f"xq_session={found.group(1)}" if found else cookie)

    page, cookie = request("GET", "/auth/login")
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    _, cookie = request(
        "POST",
        "/auth/login",
        cookie,
        urllib.parse.urlencode({"csrf_token": token, "email": email, "password": DEMO_PASSWORD}),
    )
    return cookie


_CYCLE = """
local paths = {%s}
local counter = 0
function setup(thread)
  thread:set("start", counter * math.floor(#paths / 2))
  counter = counter + 1
end
local i = nil
function request()
  i = (i or start) + 1
  return wrk.format(nil, paths[(i %% #paths) + 1])
end
"""


def wrk(
    port: int, path: str, seconds: int, cookie: str | None = None, paths: list[str] | None = None
) -> float:
    """Requests per second (wrk, 2 threads, 8 connections); with `paths`, cycling through them."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if paths:
        import tempfile

        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(_CYCLE % ", ".join(f'"{p}"' for p in paths))
        script.close()
        command[1:1] = ["-s", script.name]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"{path}: errors under load\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def one_request(port: int, path: str, cookie: str | None) -> tuple[float, int]:
    """Median latency (ms) of 5 sequential requests, and the page's size in bytes."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    times, size = [], 0
    for _ in range(5):
        started = time.perf_counter()
        body = urllib.request.urlopen(request).read()
        times.append((time.perf_counter() - started) * 1000)
        size = len(body)
    return statistics.median(times), size


def workers_rss_mb(master: subprocess.Popen) -> float:
    """The largest resident set of the gunicorn master's workers, in MB (Linux /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master.pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return max(sizes, default=0.0)


def measure(path: str, cookie: str | None, args, kind: str | None = None) -> dict:
    """The page's throughput against the bare page's, measured alternately (median of --repeat);
    with `kind`, over distinct_paths(kind, repeat) instead of one path."""
    ratios = []
    for repeat in range(args.repeat):
        base = wrk(8101, "/", args.seconds)
        paths = distinct_paths(kind, repeat) if kind else None
        ratios.append(wrk(8100, path, args.seconds, cookie, paths=paths) / base)
    latency, size = one_request(8100, path, cookie)
    return {"ratio": statistics.median(ratios), "ms": latency, "kb": size / 1024, "runs": ratios}


def dashboard_queries(db_url: str) -> int:
    """The statements one /admin/dashboard asks of the database (in this process, on the same
    database, after a first visit has filled what the process keeps)."""
    from sqlalchemy import event

    from portal import create_app
    from portal.extensions import db

    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": db_url, "WTF_CSRF_ENABLED": False}
        | {"RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False}
    )
    client = app.test_client()
    client.post("/auth/login", data={"email": "admin@xiaoqi-demo.cn", "password": DEMO_PASSWORD})
    client.get("/admin/dashboard")
    count = [0]

    def tick(*_args):
        count[0] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", tick)
    assert client.get("/admin/dashboard").status_code == 200
    return count[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--pages", default="", help="only the pages whose label contains this")
    args = parser.parse_args()
    wanted = args.pages.split(",")
    chosen = [page for page in PAGES if any(w in page[0] for w in wanted)]
    uncached = [page for page in UNCACHED if any(w in page[0] for w in wanted)]
    distinct = [row for row in DISTINCT if any(w in row[0] for w in wanted)]
    bare = serve("bench.bare_app:app", 8101, dict(os.environ))
    results: dict[int, dict[str, dict]] = {}
    try:
        for scale in (int(s) for s in args.scales.split(",")):
            print(f"{scale}×: preparing …", flush=True)
            db_url = prepare(scale)
            results[scale] = {}
            if any("dashboard" in label for label, *_ in chosen):
                results[scale]["dashboard queries"] = dashboard_queries(db_url)
                print(f"  /admin/dashboard queries: {results[scale]['dashboard queries']}", flush=True)
            for pages, extra in ((chosen, {}), (uncached, {"PAGE_CACHE_SECONDS": "0"}), (distinct, {})):
                if not pages:
                    continue
                app = serve("portal:create_app()", 8100, {**_env(db_url), **extra})
                try:
                    wrk(8100, "/postings", 2)  # warm both workers up
                    cookies = {who: session_cookie(8100, who) for _, _, who, _ in pages if who}
                    for label, path, who, _target in pages:
                        if pages is distinct:  # `path` names the kind of distinct paths
                            results[scale][label] = measure("/postings", None, args, kind=path)
                        else:
                            results[scale][label] = measure(path, cookies.get(who), args)
                        print(
                            f"  {label:32} {100 * results[scale][label]['ratio']:6.1f} % of bare"
                            f"  {results[scale][label]['ms']:7.1f} ms  {results[scale][label]['kb']:7.1f} KB",
                            flush=True,
                        )
                    print(
                        f"  web workers' largest RSS after these pages: {workers_rss_mb(app):.0f} MB"
                        " (target < 200 MB)",
                        flush=True,
                    )
                finally:
                    stop(app)
    finally:
        stop(bare)
    print()
    scales = sorted(results)
    head = "".join(f"{f'{s}× % of bare':>14}{f'{s}× ms':>9}{f'{s}× KB':>9}" for s in scales)
    print(f"{'page':32}{head}{'5×/1× time':>12}  target")
    for label, _path, _who, target in chosen + uncached + distinct:
        cells = "".join(
            f"{100 * results[s][label]['ratio']:14.1f}{results[s][label]['ms']:9.1f}"
            f"{results[s][label]['kb']:9.1f}"
            for s in scales
        )
        growth = (
            f"{results[1][label]['ratio'] / results[5][label]['ratio']:12.2f}"
            if {1, 5} <= set(results)
            else f"{'':12}"
        )
        print(f"{label:32}{cells}{growth}  {target}")
    print("\nEach ratio's runs (the spread says how noisy the shared machine was):")
    for s in scales:
        for label, value in results[s].items():
            if isinstance(value, dict):
                runs = ", ".join(f"{100 * r:.1f}" for r in value["runs"])
                print(f"  {s}× {label:32} {runs}")
    print_issue_31(results)


def print_issue_31(results: dict) -> None:
    """Issue 31's targets: today (as the issue measured), now (this run), target."""

    def ratio(scale: int, label: str) -> str:
        found = results.get(scale, {}).get(label)
        return f"{100 * found['ratio']:.1f} %" if found else "not run"

    searches = ratio(1, "400 distinct searches")
    if {1, 5} <= set(results) and "400 distinct searches" in results[5]:
        flat = results[5]["400 distinct searches"]["ratio"] / results[1]["400 distinct searches"]["ratio"]
        searches += f", 5×/1× {flat:.2f}"
    dashboard = results.get(5, {}).get("/admin/dashboard")
    now = [
        searches,
        ratio(1, "400 distinct list pages"),
        ratio(1, "/enterprise/ home"),
        f"{ratio(1, '/stats (no cache)')} and {ratio(1, '/named-classes (no cache)')}",
        f"{ratio(1, '/postings (no cache)')} and {ratio(1, '/postings?q=焊接 (no cache)')}",
        (
            f"{results[5].get('dashboard queries', '?')} queries, {dashboard['ms']:.0f} ms"
            if dashboard
            else "not run"
        ),
        "see bench_jobs.py",
        "see bench_jobs.py --from-empty",
    ]
    print("\nIssue 31 (ratios at 1× unless said):")
    width = max(len(value) for value in now) + 2
    print(f"{'what':46}{'today':>22}{'now':>{width}}  target")
    for (what, today, target), value in zip(ISSUE_31, now):
        print(f"{what:46}{today:>22}{value:>{width}}  {target}")


if __name__ == "__main__":
    main()
