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
UNCACHED = [(f"{label} (no cache)", path, who, "for the record") for label, path, who, _ in PAGES[:2]]


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
        except (urllib.error.URLError, ConnectionError):
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


def wrk(port: int, path: str, seconds: int, cookie: str | None = None) -> float:
    """Requests per second (wrk, 2 threads, 8 connections)."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
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


def measure(path: str, cookie: str | None, args) -> dict:
    """The page's throughput against the bare page's, measured alternately (median of --repeat)."""
    ratios = []
    for _ in range(args.repeat):
        base = wrk(8101, "/", args.seconds)
        ratios.append(wrk(8100, path, args.seconds, cookie) / base)
    latency, size = one_request(8100, path, cookie)
    return {"ratio": statistics.median(ratios), "ms": latency, "kb": size / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--pages", default="", help="only the pages whose label contains this")
    args = parser.parse_args()
    chosen = [page for page in PAGES if args.pages in page[0]]
    uncached = [page for page in UNCACHED if args.pages in page[0]]
    bare = serve("bench.bare_app:app", 8101, dict(os.environ))
    results: dict[int, dict[str, dict]] = {}
    try:
        for scale in (int(s) for s in args.scales.split(",")):
            print(f"{scale}×: preparing …", flush=True)
            db_url = prepare(scale)
            results[scale] = {}
            for pages, extra in ((chosen, {}), (uncached, {"PAGE_CACHE_SECONDS": "0"})):
                if not pages:
                    continue
                app = serve("portal:create_app()", 8100, {**_env(db_url), **extra})
                try:
                    wrk(8100, "/postings", 2)  # warm both workers up
                    cookies = {who: session_cookie(8100, who) for _, _, who, _ in pages if who}
                    for label, path, who, _target in pages:
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
    for label, _path, _who, target in chosen + uncached:
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


if __name__ == "__main__":
    main()
