"""`python -m matching rank|allocate|exchange`: JSON files in, JSON on stdout.

Bad input (missing file, invalid JSON, missing field, wrong type, duplicate or unknown ids,
negative capacity) prints one line naming the file and record on stderr and exits with 2,
printing nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from matching.allocation import Place, Student, allocate
from matching.exchange import Expert, Need, exchange
from matching.ranking import Demand, Program, rank

T = TypeVar("T")
EXIT_BAD_INPUT = 2


class InputError(Exception):
    """Bad input: the message is the one line printed on stderr."""


def _load_records(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise InputError(f"{path}: cannot read file ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: invalid JSON ({error})".replace("\n", " ")) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(f"{path}: expected a JSON array of objects")
    return data


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("must be a string")
    return value


def _id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError("must be a string or an integer")
    return str(value)


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        raise TypeError("must be an array of strings")
    return tuple(str(v) for v in value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("must be an integer")
    return value


def _optional_count(value: Any) -> int | None:
    return None if value is None else _count(value)


# Field name -> converter; required fields first, then optional ones with their defaults.
Schema = tuple[dict[str, Callable[[Any], Any]], dict[str, Callable[[Any], Any]]]

DEMAND: Schema = (
    {"id": _id, "title": _text, "description": _text},
    {
        "kind": _text,
        "industry": _text,
        "skills": _strings,
        "certificates": _strings,
        "headcount": _optional_count,
        "town": _text,
        "major": _text,
    },
)
PROGRAM: Schema = (
    {"id": _id, "name": _text, "description": _text},
    {
        "school": _text,
        "industry": _text,
        "skills": _strings,
        "certificates": _strings,
        "capacity": _optional_count,
        "town": _text,
        "code": _text,
    },
)
STUDENT: Schema = ({"id": _id, "preferences": _strings}, {"profile": _text})
PLACE: Schema = ({"id": _id, "capacity": _count}, {"preferences": _strings, "description": _text})
EXPERT: Schema = ({"id": _id, "description": _text, "skills": _strings}, {"hours": _count})
NEED: Schema = ({"id": _id, "description": _text, "skills": _strings}, {"hours": _count})


def _records(path: str, schema: Schema, factory: Callable[..., T]) -> list[T]:
    required, optional = schema
    out = []
    for position, raw in enumerate(_load_records(path)):
        name = f"{path}: record {position}" + (f" (id {raw['id']!r})" if "id" in raw else "")
        missing = [f for f in required if f not in raw]
        if missing:
            raise InputError(f"{name}: missing required field {missing[0]!r}")
        kwargs = {}
        for field, convert in (*required.items(), *optional.items()):
            if field in raw:
                try:
                    kwargs[field] = convert(raw[field])
                except TypeError as error:
                    raise InputError(f"{name}: field {field!r} {error}") from None
        try:
            out.append(factory(**kwargs))
        except ValueError as error:
            raise InputError(f"{name}: {error}") from None
    return out


def _run(args: argparse.Namespace) -> object:
    if args.command == "rank":
        demands = _records(args.demands, DEMAND, Demand)
        programs = _records(args.programs, PROGRAM, Program)
        try:
            return [r.to_dict() for r in rank(demands, programs, top_k=args.top)]
        except ValueError as error:
            raise InputError(f"rank: {error}") from None
    if args.command == "allocate":
        students = _records(args.students, STUDENT, Student)
        places = _records(args.places, PLACE, Place)
        try:
            return allocate(students, places, seed=args.seed).to_dict()
        except ValueError as error:
            raise InputError(f"allocate: {error}") from None
    experts = _records(args.experts, EXPERT, Expert)
    needs = _records(args.needs, NEED, Need)
    try:
        return {"pairs": [p.to_dict() for p in exchange(experts, needs)]}
    except ValueError as error:
        raise InputError(f"exchange: {error}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ranking = commands.add_parser("rank", help="propose majors for enterprise demands")
    ranking.add_argument("--demands", required=True)
    ranking.add_argument("--programs", required=True)
    ranking.add_argument("--top", type=int, default=10)
    allocation = commands.add_parser("allocate", help="allocate students to places")
    allocation.add_argument("--students", required=True)
    allocation.add_argument("--places", required=True)
    allocation.add_argument("--seed", type=int, default=0)
    pairing = commands.add_parser("exchange", help="pair experts with teaching needs")
    pairing.add_argument("--experts", required=True)
    pairing.add_argument("--needs", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result = _run(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
