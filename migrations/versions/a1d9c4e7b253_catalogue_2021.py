"""catalogue 2021: every major carries its code, level, 专业大类 and 专业类; old names mapped

Revision ID: a1d9c4e7b253
Revises: e182bd07f007
Create Date: 2026-12-06 19:00:00

Adds program.level, program.category and program.major_class, then puts every stored major on
《职业教育专业目录（2021年）》 (matching/data/catalogue-2021.csv):

- a major whose name (a direction in brackets allowed) is a 2021 name gets that major's code,
  level, 大类 and 类 (this also corrects the groups the old list had wrong, e.g. 制药技术应用 is
  食品药品与粮食大类); a name at both levels takes the level of the school's kind;
- a major under an old name with a confirmed successor in seed/data/major_aliases.csv is renamed
  to it (same row id, so proposals, cooperations, named classes, students and snapshots keep
  pointing at it), unless the school already has that major: then, like a name with no confirmed
  successor, it stays as typed with no code, flagged for the school to choose (nothing is guessed);
- supply snapshots take the successor's name and the catalogue's 大类 (rows that now name the
  same major in the same year and town are added together), so the trend does not jump;
- the stored classification of postings takes the catalogue's 大类 for its major names.

Downgrade drops the three columns; names already moved to their 2021 successor stay moved.
"""

import csv
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

# revision identifiers, used by Alembic.
revision = "a1d9c4e7b253"
down_revision = "e182bd07f007"
branch_labels = None
depends_on = None

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "matching" / "data" / "catalogue-2021.csv"
ALIASES = ROOT / "seed" / "data" / "major_aliases.csv"
LEVEL_OF_SCHOOL_KIND = {
    "secondary_vocational": "中职",
    "technical_school": "中职",
    "higher_vocational": "专科",
}
_DIRECTION = re.compile(r"^(?P<base>[^（(]+?)\s*(?P<direction>[（(][^（）()]{1,30}[）)])$")


def _rows(path):
    if path == ALIASES and has_app_context():  # tests name another reviewed table
        path = Path(current_app.config.get("MAJOR_ALIAS_FILE") or path)
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _split(name):
    name = (name or "").strip()
    match = _DIRECTION.match(name)
    return (match.group("base").strip(), match.group("direction")) if match else (name, "")


class _Catalogue:
    def __init__(self):
        self.by_name = {}
        self.by_code = {}
        for row in _rows(CATALOGUE):
            self.by_name.setdefault(row["name"], []).append(row)
            self.by_code[row["code"].upper()] = row
        self.successor = {
            row["old_name"]: self.by_code[row["code"].upper()]
            for row in _rows(ALIASES)
            if row["code"] and row["code"].upper() in self.by_code
        }

    def find(self, name, level=None, code=None):
        """(2021 row, name to store) for a stored name, or (None, name) when it has no successor."""
        base, direction = _split(name)
        found = self.by_name.get(base)
        if found:
            for row in found:
                if code and row["code"] == code.upper():
                    return row, name
            for row in found:
                if row["level"] == level:
                    return row, name
            return found[0], name
        row = self.successor.get(base)
        if row is not None:
            return row, f"{row['name']}{direction}"
        return None, name


def upgrade():
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("category", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("major_class", sa.String(length=40), nullable=True))

    bind = op.get_bind()
    cat = _Catalogue()
    program = sa.table(
        "program",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("code", sa.String),
        sa.column("level", sa.String),
        sa.column("category", sa.String),
        sa.column("major_class", sa.String),
    )
    rows = bind.execute(
        sa.text(
            "SELECT p.id, p.school_id, p.name, p.code, o.school_kind FROM program p "
            "JOIN organisation o ON o.id = p.school_id ORDER BY p.id"
        )
    ).all()
    taken = {(r.school_id, r.name) for r in rows}
    for r in rows:
        entry, name = cat.find(r.name, LEVEL_OF_SCHOOL_KIND.get(r.school_kind or ""), r.code)
        if entry is not None and name != r.name and (r.school_id, name) in taken:
            entry, name = None, r.name  # the school has the successor already: it chooses
        if entry is None:
            values = {"code": None, "level": None, "category": None, "major_class": None}
        else:
            values = {
                "name": name,
                "code": entry["code"],
                "level": entry["level"],
                "category": entry["category"],
                "major_class": entry["class"],
            }
            taken.discard((r.school_id, r.name))
            taken.add((r.school_id, name))
        bind.execute(program.update().where(program.c.id == r.id).values(**values))

    # Supply snapshots: the successor's name and the catalogue's group, duplicates added together.
    snapshots = bind.execute(
        sa.text(
            "SELECT id, year, major_name, major_group, town, intake, enrolment FROM supply_snapshot "
            "ORDER BY year, id"
        )
    ).all()
    groups = {}
    for s in snapshots:
        entry, name = cat.find(s.major_name)
        groups.setdefault((s.year, name, s.town), (entry, []))[1].append(s)
    for (_year, name, _town), (entry, members) in groups.items():
        keeper = next((s for s in members if s.major_name == name), members[0])
        for other in members:
            if other.id != keeper.id:
                bind.execute(sa.text("DELETE FROM supply_snapshot WHERE id = :id"), {"id": other.id})
        bind.execute(
            sa.text(
                "UPDATE supply_snapshot SET major_name = :name, major_group = :group, intake = :intake, "
                "enrolment = :enrolment WHERE id = :id"
            ),
            {
                "id": keeper.id,
                "name": name,
                "group": entry["category"] if entry is not None else keeper.major_group,
                "intake": sum(s.intake or 0 for s in members),
                "enrolment": sum(s.enrolment or 0 for s in members),
            },
        )

    # A posting's stored catalogue majors: the catalogue's group for each name.
    for name, group in bind.execute(
        sa.text("SELECT DISTINCT major_name, major_group FROM posting_major")
    ).all():
        entry, new_name = cat.find(name)
        if entry is not None and (new_name != name or entry["category"] != group):
            bind.execute(
                sa.text(
                    "UPDATE posting_major SET major_name = :new, major_group = :group WHERE major_name = :old"
                ),
                {"new": new_name, "group": entry["category"], "old": name},
            )


def downgrade():
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("major_class")
        batch_op.drop_column("category")
        batch_op.drop_column("level")
