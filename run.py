"""Start the site with demo data: `python run.py [--host H] [--port P]`.

Creates the SQLite database under instance/ (through the migrations) and loads
the demo data when they are missing, compiles the translations, then serves.
"""

from __future__ import annotations

import argparse

from portal import create_app


def step(message: str) -> None:
    print(f"校企通: {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve 校企通 with demo data.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from portal.cli import compile_catalogs
    from portal.extensions import db
    from portal.models import User
    from seed.loader import load_demo

    step("Compiling the translations …")
    compile_catalogs()
    app = create_app()
    with app.app_context():
        step("Bringing the database up to date (migrations) …")
        upgrade()
        if db.session.scalar(select(User.id).limit(1)) is None:
            step("Loading the demo data (about ten seconds) …")
            print("  ", load_demo(), flush=True)
            db.session.commit()
    print(f"校企通 is serving on http://{args.host}:{args.port}/  (demo password: laiwu-demo-2026)")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
