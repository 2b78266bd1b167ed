"""`python -m matching`: JSON contracts, and one-line errors with exit status 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "matching", *args], cwd=ROOT, capture_output=True, text=True)


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_rank_outputs_one_object_per_demand_in_input_order(tmp_path: Path) -> None:
    demands = write(
        tmp_path,
        "d.json",
        [
            {"id": "d1", "title": "招保安员", "description": ""},
            {"id": 2, "title": "招电焊工", "description": "二保焊", "headcount": 3, "town": "口镇"},
        ],
    )
    programs = write(
        tmp_path,
        "p.json",
        [
            {"id": "weld", "name": "焊接技术应用", "description": "焊接", "capacity": 30, "town": "凤城街道"},
            {"id": "nurse", "name": "护理", "description": "临床护理"},
        ],
    )
    done = run("rank", "--demands", demands, "--programs", programs, "--top", "1")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [r["demand_id"] for r in out] == ["d1", "2"]
    assert out[0]["matches"] == []
    [match] = out[1]["matches"]
    assert match["program_id"] == "weld" and 0 <= match["score"] <= 1
    assert {r["criterion"] for r in match["reasons"]} == {"text", "capacity", "distance"}


def test_allocate_and_exchange_contracts(tmp_path: Path) -> None:
    students = write(
        tmp_path, "s.json", [{"id": "a", "preferences": ["p"]}, {"id": "b", "preferences": ["p"]}]
    )
    places = write(tmp_path, "pl.json", [{"id": "p", "capacity": 1, "preferences": ["b", "a"]}])
    out = json.loads(run("allocate", "--students", students, "--places", places, "--seed", "5").stdout)
    assert out["assignments"] == {"a": None, "b": "p"}
    assert out["unassigned_reasons"] == {"a": "capacity"} and out["blocking_pairs"] == 0 and out["seed"] == 5
    experts = write(
        tmp_path, "e.json", [{"id": "e", "description": "焊接技师", "skills": ["焊接"], "hours": 2}]
    )
    needs = write(tmp_path, "n.json", [{"id": "n", "description": "焊接实训", "skills": []}])
    out = json.loads(run("exchange", "--experts", experts, "--needs", needs).stdout)
    assert [(p["expert_id"], p["need_id"], p["hours"]) for p in out["pairs"]] == [("e", "n", 1)]


BAD_INPUT = [
    ("missing file", None, [{"id": "p", "capacity": 1}], "cannot read file"),
    ("invalid JSON", "[{", [{"id": "p", "capacity": 1}], "invalid JSON"),
    (
        "missing field",
        [{"id": "a"}],
        [{"id": "p", "capacity": 1}],
        "(id 'a'): missing required field 'preferences'",
    ),
    (
        "wrong type",
        [{"id": "a", "preferences": "p"}],
        [{"id": "p", "capacity": 1}],
        "(id 'a'): field 'preferences'",
    ),
    (
        "duplicate ids",
        [{"id": "a", "preferences": []}, {"id": "a", "preferences": []}],
        [{"id": "p", "capacity": 1}],
        "student 'a': duplicate id",
    ),
    (
        "unknown place",
        [{"id": "a", "preferences": ["zz"]}],
        [{"id": "p", "capacity": 1}],
        "student 'a': unknown place 'zz'",
    ),
    (
        "unknown student",
        [{"id": "a", "preferences": ["p"]}],
        [{"id": "p", "capacity": 1, "preferences": ["x"]}],
        "place 'p': unknown student 'x'",
    ),
    (
        "negative capacity",
        [{"id": "a", "preferences": ["p"]}],
        [{"id": "p", "capacity": -2}],
        "(id 'p'): place 'p': negative capacity",
    ),
]


@pytest.mark.parametrize(("case", "students", "places", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_gives_one_line_on_stderr_and_status_2(
    tmp_path: Path, case, students, places, message
) -> None:
    s_path = str(tmp_path / "absent.json") if students is None else write(tmp_path, "s.json", students)
    done = run("allocate", "--students", s_path, "--places", write(tmp_path, "p.json", places))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr


@pytest.mark.parametrize(
    ("demands", "message"),
    [
        ([{"id": "d", "title": "x"}], "(id 'd'): missing required field 'description'"),
        ([{"id": "d", "title": "x", "description": ""}] * 2, "demand 'd': duplicate id"),
        ([{"id": "d", "title": "x", "description": "", "headcount": -1}], "negative headcount"),
    ],
)
def test_rank_bad_input(tmp_path: Path, demands, message: str) -> None:
    programs = write(tmp_path, "p.json", [{"id": "p", "name": "护理", "description": ""}])
    done = run("rank", "--demands", write(tmp_path, "d.json", demands), "--programs", programs)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and message in done.stderr


def test_exchange_bad_input(tmp_path: Path) -> None:
    experts = write(tmp_path, "e.json", [{"id": "e", "description": "x"}])
    needs = write(tmp_path, "n.json", [{"id": "n", "description": "x", "skills": []}])
    done = run("exchange", "--experts", experts, "--needs", needs)
    assert (done.returncode, done.stdout) == (2, "")
    assert "missing required field 'skills'" in done.stderr
