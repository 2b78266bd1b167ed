"""Migration a1d9c4e7b253: a database of the previous schema, with majors under the 29 names the old
list had that the 2021 catalogue does not (and its 10 wrong groups), comes out on the 2021 list with
nothing lost: same rows and ids, every name a catalogue name or flagged, snapshots regrouped."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from portal.extensions import db
from portal.programs import catalogue
from tests.conftest import bare_database

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = "e182bd07f007"
# The names of the old seed/data/major_catalogue.csv that the 2021 catalogue does not have.
OLD_NAMES = (
    "现代农艺技术",
    "中草药种植",
    "农业机械使用与维护",
    "水利工程施工",
    "机电设备安装与维修",
    "制冷和空调设备运行与维修",
    "船舶制造与修理",
    "工业分析与检验",
    "农村医学",
    "播音与节目主持",
    "家政服务与管理",
    "果蔬花卉生产技术",
    "烟草生产与加工",
    "发电厂及变电站电气设备",
    "有色金属冶炼",
    "建筑设备安装",
    "纺织技术与营销",
    "粮油饲料加工技术",
    "铁道施工与养护",
    "快递运营管理",
    "计算机与数码产品维修",
    "保险事务",
    "景区服务与管理",
    "美术绘画",
    "珠宝玉石加工与营销",
    "服装展示与礼仪",
    "焊接技术与自动化",
    "黑色冶金技术",
    "设施园艺技术",
)
# In the old list under the wrong 专业大类: name -> the group it had there.
WRONG_GROUPS = {
    "制药技术应用": "医药卫生大类",
    "医疗设备安装与维护": "装备制造大类",
    "美容美体艺术": "医药卫生大类",
    "美发与形象设计": "医药卫生大类",
    "中药制药": "食品药品与粮食大类",
    "智慧健康养老服务与管理": "医药卫生大类",
    "商务助理": "财经商贸大类",
    "服务机器人装配与维护": "装备制造大类",
    "农村电气技术": "能源动力与材料大类",
    "装配式建筑构件制作技术": "土木建筑大类",
}


def reviewed_aliases(tmp_path: Path) -> Path:
    """The project's alias table with two lines resolved as a reviewer would (test data, not claims
    about the annex): all the table's lines are unresolved while the MOE's 对照表 is not at hand."""
    text = (ROOT / "seed" / "data" / "major_aliases.csv").read_text(encoding="utf-8")
    for old, code, new in (
        ("焊接技术与自动化", "460110", "智能焊接技术"),
        ("计算机与数码产品维修", "710211", "计算机与数码设备维修"),
    ):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith(f"{old},"):
                level = line.split(",")[1]
                lines[i] = f"{old},{level},{code},{new},renamed,test: renamed,test fixture"
        text = "\n".join(lines) + "\n"
    path = tmp_path / "aliases.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _filled(table: sa.Table, **values) -> dict:
    """`values`, and a plain value for every other column the table requires."""
    now = datetime(2025, 3, 1, tzinfo=UTC)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        kind = column.type.python_type if hasattr(column.type, "python_type") else str
        values[column.name] = {bool: False, int: 0, float: 0.0, datetime: now}.get(kind, "x")
    return values


def _insert(conn, table: sa.Table, **values) -> None:
    """A row of `table`: `values`, and plain values for the other columns it requires."""
    conn.execute(table.insert().values(_filled(table, **values)))


def test_old_names_and_groups_move_to_the_2021_catalogue_and_nothing_is_lost(db_url, tmp_path):
    with bare_database(db_url, MAJOR_ALIAS_FILE=str(reviewed_aliases(tmp_path))):
        upgrade(revision=PREVIOUS)
        meta = sa.MetaData()
        meta.reflect(bind=db.engine, only=("organisation", "program", "user", "supply_snapshot"))
        org, program, user, supply = (
            meta.tables[n] for n in ("organisation", "program", "user", "supply_snapshot")
        )
        old_names = list(OLD_NAMES)
        with db.engine.begin() as conn:
            for school_id, name, kind in (
                (1, "老学校（演示）", "secondary_vocational"),
                (2, "老学院（演示）", "higher_vocational"),
            ):
                _insert(conn, org, id=school_id, kind="school", name=name, town="fengcheng", school_kind=kind)
            rows = [
                *(
                    (name, 2 if name in ("焊接技术与自动化", "黑色冶金技术", "设施园艺技术") else 1)
                    for name in old_names
                ),
                *((name, 2 if name in ("智慧健康养老服务与管理",) else 1) for name in WRONG_GROUPS),
                ("园艺技术", 2),  # a name at both levels: the college's is the 专科 one
                (
                    "计算机与数码设备维修",
                    1,
                ),  # the school has the successor already: the old one stays flagged
                ("护理（老年护理方向）", 1),  # a direction is kept
            ]
            for number, (name, school_id) in enumerate(rows, 1):
                _insert(
                    conn,
                    program,
                    id=number,
                    school_id=school_id,
                    name=name,
                    code=None,
                    intake_capacity=10 * number,
                    status="published",
                )
            _insert(conn, user, id=1, email="s@example.com", organisation_id=1, program_id=1, role="student")
            for year, name, group, intake in (
                (2024, "现代农艺技术", "农林牧渔大类", 30),
                (2024, "制药技术应用", "医药卫生大类", 40),
                (2025, "制药技术应用", "医药卫生大类", 45),
            ):
                _insert(
                    conn,
                    supply,
                    year=year,
                    major_name=name,
                    major_group=group,
                    town="fengcheng",
                    intake=intake,
                )

        upgrade()

        with db.engine.connect() as conn:
            after = {r.id: r for r in conn.execute(sa.text("SELECT * FROM program ORDER BY id"))}
            snapshots = conn.execute(sa.text("SELECT * FROM supply_snapshot ORDER BY year, id")).all()
            student_program = conn.execute(sa.text('SELECT program_id FROM "user" WHERE id = 1')).scalar()
        # Nothing lost: the same rows, ids and figures.
        assert sorted(after) == list(range(1, len(rows) + 1))
        assert [after[n].intake_capacity for n in sorted(after)] == [10 * n for n in range(1, len(rows) + 1)]
        assert student_program == 1
        aliases = catalogue.aliases()
        for number, (name, _school) in enumerate(rows, 1):
            stored = after[number]
            entry = catalogue.entry_for_code(stored.code) if stored.code else None
            if entry is None:
                # Flagged: kept as typed, an old name the alias table lists, for the school to choose.
                assert stored.name == name and name in aliases and stored.category is None
                continue
            assert catalogue.base_name(stored.name) == entry.name
            assert (stored.level, stored.category, stored.major_class) == (
                entry.level,
                entry.category,
                entry.class_name,
            )
            if name in aliases:
                assert aliases[name].code == entry.code  # moved to the reviewed successor only
        # The 10 wrong groups put right.
        by_name = {after[n].name: after[n] for n in after}
        for name, old_group in WRONG_GROUPS.items():
            assert by_name[name].category == catalogue.entry_for_name(name).category != old_group
        assert by_name["园艺技术"].code == "410105" and by_name["护理（老年护理方向）"].code == "720201"
        # A reviewed successor is taken (same row); one the school already has is left to the school.
        welding = after[old_names.index("焊接技术与自动化") + 1]
        assert (welding.name, welding.code, welding.level) == ("智能焊接技术", "460110", "专科")
        repair = after[old_names.index("计算机与数码产品维修") + 1]
        assert (repair.name, repair.code) == ("计算机与数码产品维修", None)
        flagged = [p for p in after.values() if p.code is None]
        assert len(flagged) == len(OLD_NAMES) - 1
        # Snapshots regrouped by the catalogue, so the trend of a group does not jump.
        pharma = [s for s in snapshots if s.major_name == "制药技术应用"]
        assert [(s.year, s.major_group, s.intake) for s in pharma] == [
            (2024, "食品药品与粮食大类", 40),
            (2025, "食品药品与粮食大类", 45),
        ]
        assert sum(s.intake for s in snapshots) == 30 + 40 + 45  # nothing dropped when rows merge
        for s in snapshots:
            assert catalogue.entry_for_name(s.major_name) is not None or s.major_name in aliases


def test_the_alias_table_is_reviewed() -> None:
    """Each line names a 2021 major by code and name with its relation and source, or is flagged;
    every old name the product's list had before the 2021 catalogue is in it."""
    with open(ROOT / "seed" / "data" / "major_aliases.csv", encoding="utf-8") as handle:
        lines = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert {line["old_name"] for line in lines} >= set(OLD_NAMES)
    for line in lines:
        # Really an old name: not a 2021 name at its own level (学前教育, old at 中职, is 2021 专科).
        named = catalogue.catalogue().by_name.get(line["old_name"], ())
        assert all(e.level != line["old_level"] for e in named), line["old_name"]
        assert line["source"] and line["reason"], line["old_name"]
        if line["relation"] == "unresolved":
            assert not line["code"] and not line["name"], line["old_name"]
        else:
            assert line["relation"] in ("renamed", "merged", "split"), line["old_name"]
            entry = catalogue.entry_for_code(line["code"])
            assert entry is not None and entry.name == line["name"], line["old_name"]
