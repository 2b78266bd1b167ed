"""Flask commands over the services; each is safe to run twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import text

from portal.accounts import services as accounts
from portal.extensions import db
from portal.platform.errors import ServiceError

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = ROOT / "translations" / "messages.pot"

translate = AppGroup("translate", help="Extract, update and compile the UI translations.")
# The site's own commands, one function each, added to `flask` by init_cli.
commands = AppGroup("portal")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate.command("update")
def translate_update() -> None:
    """Extract strings from code and templates and merge them into every catalog."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output", "-o", str(POT), ".")
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogs committed in translations/ into .mo files."""
    compile_catalogs()


def compile_catalogs() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        # Written aside, then renamed: another process (a test worker, a second server) starting
        # meanwhile reads the old catalog or the new one, never half of one.
        partial = po_path.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as fh:
            write_mo(fh, catalog)
        os.replace(partial, po_path.with_suffix(".mo"))


@commands.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True, default="Administrator")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (does nothing if it exists)."""
    try:
        user, created = accounts.create_admin(email, name, password)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"{'created' if created else 'exists'}: administrator {user.email}")


@commands.command("seed")
@click.option("--scale", type=int, default=0, help="Also generate N synthetic organisations' worth of data.")
@click.option("--postings", type=click.IntRange(0), default=0, help="Synthetic postings (with --majors).")
@click.option(
    "--majors", type=click.IntRange(0), default=0, help="Synthetic majors (10 per synthetic school)."
)
def seed(scale: int, postings: int, majors: int) -> None:
    """Load the demo data (idempotent); --scale N, or --postings N --majors M, add synthetic
    data of that size for benchmarks and load tests, then refresh the planner's statistics."""
    from seed.loader import load_demo
    from seed.synthetic import generate

    summary = load_demo()
    db.session.commit()
    click.echo(f"demo data: {summary}")
    if majors or postings:
        # generate(N) makes N enterprises and N/5 schools of 10 majors each: 2N majors.
        scale = max(1, majors // 2)
        summary = generate(scale, postings_per_enterprise=max(1, round(postings / scale)))
    elif scale:
        summary = generate(scale)
    else:
        return
    db.session.commit()
    from portal.planning import alignment

    # Synthetic postings are inserted in bulk, not published one by one: classify them all.
    alignment.classify_all()
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    click.echo(f"synthetic data: {summary}")


@commands.command("classify-postings")
def classify_postings() -> None:
    """Store every posting's catalogue majors for the supply-and-demand figures (safe to run twice)."""
    from portal.planning import alignment

    def progress(done: int, total: int) -> None:
        click.echo(f"{done}/{total} postings classified")
        db.session.commit()  # the command's commit point, once per chunk

    count = alignment.classify_all(progress=progress)
    db.session.commit()
    click.echo(f"{count} postings classified")


@commands.command("remap-majors")
def remap_majors() -> None:
    """Majors still under an old name take the 2021 major that seed/data/major_aliases.csv now
    names for it (after a reviewer resolved a line; safe to run twice)."""
    from portal.programs import services as programs

    moved, left = programs.move_to_successors()
    db.session.commit()
    click.echo(f"{moved} majors moved to their 2021 successor; {left} left for their school to choose")


@commands.command("recompute-proposals")
@click.option("--chunk", type=click.IntRange(1, 10_000), default=200, help="Postings ranked per step.")
def recompute_proposals(chunk: int) -> None:
    """Rank every posting against every published major and store the proposals (safe to run twice)."""
    import time

    from portal.partnerships import matching

    started = time.perf_counter()

    def progress(done: int, total: int, tally) -> None:
        click.echo(
            f"{done}/{total} postings, {tally.scored} proposals scored "
            f"({time.perf_counter() - started:.1f} s)"
        )

    tally = matching.recompute_all(chunk=chunk, progress=progress)
    db.session.commit()
    click.echo(f"done: {tally}")


@commands.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
def worker(burst: bool) -> None:
    """Run background jobs from the Redis queue (REDIS_URL); start one or more beside the web servers."""
    import threading

    from rq import SimpleWorker

    from portal.platform import jobs

    app = current_app._get_current_object()
    if app.config["JOBS_BACKEND"] != "rq":
        raise click.ClickException("Set REDIS_URL (jobs then go to Redis) to run a worker.")
    # Jobs whose worker died are marked failed, and waiting jobs get their wake-ups, on a
    # schedule beside the worker: before it starts, then every JOBS_SWEEP_SECONDS.
    _sweep(app, jobs)
    if not burst:
        stop = threading.Event()
        threading.Thread(target=_sweeper, args=(app, jobs, stop), name="job-sweeper", daemon=True).start()
    # SimpleWorker: jobs run in this process, in this command's app context (no fork, so
    # no database connection is shared between processes), and what a job loads stays for the
    # next: loaded once now (libraries, kept models), the first job does not wait for it.
    jobs.warm_up()
    queue = jobs.queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=False)


def _sweep(app: Flask, jobs) -> None:
    with app.app_context():  # a session of its own, apart from the job running beside it
        try:
            jobs.sweep()
        except Exception:  # the database or Redis down: the next sweep
            jobs.log.exception("jobs: sweep failed; trying again in JOBS_SWEEP_SECONDS")
        finally:
            db.session.remove()


def _sweeper(app: Flask, jobs, stop) -> None:
    while not stop.wait(app.config["JOBS_SWEEP_SECONDS"]):
        _sweep(app, jobs)


@commands.command("sweep-jobs")
def sweep_jobs() -> None:
    """Mark failed the running jobs whose worker stopped (no heartbeat for JOBS_STALE_SECONDS),
    and wake the workers for waiting jobs; `flask worker` also does this on its own."""
    from portal.platform import jobs

    count = jobs.sweep()
    click.echo(f"{count} job(s) without a heartbeat marked failed")


@commands.command("remove-demo")
def remove_demo() -> None:
    """Delete the demo organisations and accounts (before going to production)."""
    from seed.loader import remove_demo as _remove

    click.echo(f"removed: {_remove()}")
    db.session.commit()


@commands.command("finalise-pilots")
def finalise_pilots() -> None:
    """Mark approved pilot partnerships whose notice period (公示) has ended as final."""
    from portal.pilots import services as pilots

    count = pilots.finalise_due()
    db.session.commit()
    click.echo(f"finalised: {count} pilot partnership(s)")


@commands.command("internship-reminders")
def internship_reminders() -> None:
    """Remind students of missing weekly logs and enterprises of missing monthly evaluations
    (once per week or month; run daily)."""
    from portal.internships import services as internships

    count = internships.send_reminders()
    db.session.commit()
    click.echo(f"reminders sent: {count}")


@commands.command("snapshot-statistics")
@click.option("--period", default=None, help="YYYY-MM; only the current month (the default) is accepted.")
def snapshot_statistics(period: str | None) -> None:
    """Store this month's dashboard figures for the trend (taking it again refreshes the month)."""
    from portal.statistics import services as statistics

    try:
        count = statistics.take_snapshot(None, period)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"stored {count} figures for {period or statistics.current_period()}")


def init_cli(app: Flask) -> None:
    app.cli.add_command(translate)
    for command in commands.commands.values():
        app.cli.add_command(command)
