"""One request of a page under production settings, profiled (issue 31, the base cost of a page).

The app is built by the factory in production mode against the bench's PostgreSQL database
(bench/bench_web.py's xq_web_1x) and Redis, as gunicorn serves it; the page is asked a few times to
warm what a worker keeps, then once more under cProfile, counting the statements it sends. Beside
it, the bare page of bench/bare_app.py the same way, so the two can be compared in a noisy machine.

    .venv/bin/python bench/profile_page.py [--top 30] [--runs 50] /enterprise/ /postings?q=焊接 …

--who logs in first (a demo account). --runs times that many requests (ms per request, median).
--callgrind asks each page --runs times inside a call of libc's twalk, so that

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=trecurse \
        .venv/bin/python bench/profile_page.py --callgrind --runs 10 /enterprise/

counts the instructions of those requests only (not start-up nor warm-up): instructions are
immune to the other processes on a shared machine. Give one page per run (the total is the sum).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_web import DEMO_PASSWORD, _env, _url  # noqa: E402


def build(database: str, page_cache: bool):
    os.environ.update(_env(_url(database)))
    if not page_cache:
        os.environ["PAGE_CACHE_SECONDS"] = "0"
    from portal import create_app

    return create_app()


def log_in(client, email: str) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": email, "password": DEMO_PASSWORD}
    response = client.post("/auth/login", data=form)
    assert response.status_code == 302, response.status_code


def _profiled_requests(client, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _inside_twalk(work) -> None:
    """Run `work` as the action of libc's twalk over a one-node tree (called once): a marker no
    library here uses; callgrind's --toggle-collect=trecurse (the walk inside twalk) switches
    collection on and off around it."""
    import ctypes

    libc = ctypes.CDLL(None)
    compare_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
    action_type = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_int)
    libc.tsearch.restype = ctypes.c_void_p
    root = ctypes.c_void_p()
    compare = compare_type(lambda _a, _b: 0)
    libc.tsearch(ctypes.c_void_p(1), ctypes.byref(root), compare)
    action = action_type(lambda _node, _visit, _depth: work())
    libc.twalk(root, action)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--who", default="")
    parser.add_argument("--database", default="xq_web_1x")
    parser.add_argument("--page-cache", action="store_true", help="leave the page cache on")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--profile-runs", type=int, default=1, help="requests under cProfile")
    parser.add_argument("--callgrind", action="store_true", help="the requests inside twalk, no cProfile")
    args = parser.parse_args()

    from bench.bare_app import app as bare

    bare_client = bare.test_client()
    if args.paths == ["bare"]:
        _profiled_requests(bare_client, "/", 3)
        if args.callgrind:
            _inside_twalk(lambda: _profiled_requests(bare_client, "/", args.runs))
        else:
            print(f"bare page: {statistics.median(_profiled_requests(bare_client, '/', args.runs)):.2f} ms")
        return
    from sqlalchemy import event

    from portal.extensions import db

    app = build(args.database, args.page_cache)
    # Production cookies are Secure: the test client sends them over https only.
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    if args.who:
        log_in(client, args.who)
    count = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
    bare_ms = statistics.median(_profiled_requests(bare_client, "/", max(args.runs, 50)))
    print(f"bare page: {bare_ms:.2f} ms")
    for raw in args.paths:
        path = urllib.parse.quote(raw, safe="/?=&%")
        _profiled_requests(client, path, 3)  # warm up
        if args.callgrind:
            _inside_twalk(lambda: _profiled_requests(client, path, args.runs))
            continue
        count[0] = 0
        _profiled_requests(client, path, 1)
        queries = count[0]
        ms = statistics.median(_profiled_requests(client, path, args.runs))
        print(f"{raw}: {ms:.2f} ms ({ms / bare_ms:.1f}× bare), {queries} statements")
        if not args.no_profile:
            profiler = cProfile.Profile()
            profiler.enable()
            _profiled_requests(client, path, args.profile_runs)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
