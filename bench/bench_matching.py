"""Speed of the matcher on synthetic data shaped like the real thing; prints figure vs target.

Run: python bench/bench_matching.py [--skip-reference] [--only rank|allocate|exchange]
Each case runs in a fresh child process so that its peak RSS is its own. Timings are
wall-clock for one call of the public API (inputs already built as dataclasses), after a
warm-up call on one record (lazy imports, data files). The start-up case times
`python -m matching allocate` as a whole process against algmatch in-process (medians).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import Demand, Expert, Need, Place, Program, Student, allocate, exchange, rank  # noqa: E402
from matching.knowledge import thesaurus, town_coordinates  # noqa: E402

MAJORS = json.loads((ROOT / "tests" / "data" / "majors.json").read_text(encoding="utf-8"))
TOWNS = sorted({name for name in town_coordinates() if name.endswith(("镇", "街道"))})
BOILERPLATE = [
    "包吃住",
    "五险一金",
    "月薪6000-9000",
    "长白班",
    "能吃苦耐劳",
    "有经验者优先",
    "年龄18-45岁",
    "中专及以上学历",
]
INDUSTRIES = [
    "高端装备制造",
    "新能源",
    "新材料",
    "新医药",
    "现代高效农业",
    "现代服务业",
    "农村电商",
    "医养健康",
]


def programs(n: int, rng: random.Random) -> list[Program]:
    """Schools' versions of catalogue majors: same name, reworded and shuffled introductions."""
    out = []
    for i in range(n):
        m = MAJORS[i % len(MAJORS)]
        parts = m["description"].replace("。", "，").split("，")
        rng.shuffle(parts)
        out.append(
            Program(
                id=f"p{i}",
                name=m["name"],
                description="，".join(parts[: rng.randint(2, len(parts))]),
                school=f"学校{i // len(MAJORS)}",
                industry=m["group"],
                skills=tuple(m.get("skills", ())),
                certificates=tuple(m.get("certificates", ())),
                capacity=rng.randint(20, 120),
                town=rng.choice(TOWNS),
            )
        )
    return out


def demands(n: int, rng: random.Random) -> list[Demand]:
    """Postings mixing colloquial titles, catalogue terms and HR boilerplate."""
    colloquial = sorted(thesaurus().mapping)
    out = []
    for i in range(n):
        words = rng.sample(colloquial, 2)
        title = f"招{words[0]}{rng.randint(1, 20)}名"
        description = "，".join([f"会{words[1]}", *rng.sample(BOILERPLATE, 3)])
        out.append(
            Demand(
                id=f"d{i}",
                title=title,
                description=description,
                industry=rng.choice(INDUSTRIES),
                skills=(words[1],),
                headcount=rng.randint(1, 60),
                town=rng.choice(TOWNS),
            )
        )
    return out


def allocation_instance(n_students: int, n_places: int, length: int, zipf: bool, seed: int = 1):
    """Students draw `length` places (uniform or Zipf-popular); places rank applicants by grade."""
    rng = np.random.default_rng(seed)
    if zipf:
        weights = 1.0 / np.arange(1, n_places + 1) ** 1.0
    else:
        weights = np.ones(n_places)
    weights /= weights.sum()
    grade = rng.random(n_students)
    applicants: list[list[int]] = [[] for _ in range(n_places)]
    students = []
    for s in range(n_students):
        chosen = rng.choice(n_places, size=length, replace=False, p=weights)
        students.append(Student(f"s{s}", tuple(f"p{p}" for p in chosen)))
        for p in chosen:
            applicants[p].append(s)
    total = n_students * 1.1
    capacities = np.maximum(1, np.round(weights * total * 0.5 + total / n_places * 0.5)).astype(int)
    places = []
    for p in range(n_places):
        ranked = sorted(applicants[p], key=lambda s: grade[s] + 0.2 * rng.random())
        places.append(Place(f"p{p}", int(capacities[p]), tuple(f"s{s}" for s in ranked)))
    return students, places


def reference(students: list[Student], places: list[Place]) -> tuple[float, dict[str, str | None]]:
    """algmatch's resident-optimal HR algorithm on the same instance."""
    from algmatch import HospitalResidentsProblem

    s_num = {s.id: i for i, s in enumerate(students)}
    p_num = {p.id: j for j, p in enumerate(places)}
    instance = {
        "residents": {s_num[s.id]: [p_num[p] for p in s.preferences] for s in students},
        "hospitals": {
            p_num[p.id]: {"capacity": p.capacity, "preferences": [s_num[s] for s in p.preferences]}
            for p in places
        },
    }
    start = time.perf_counter()
    matching = HospitalResidentsProblem(dictionary=instance, optimised_side="residents").get_stable_matching()
    seconds = time.perf_counter() - start
    sided = matching["resident_sided"]
    return seconds, {
        s.id: (places[int(h[1:])].id if (h := sided[f"r{i}"]) else None) for i, s in enumerate(students)
    }


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def catalogue_programs(rng: random.Random) -> list[Program]:
    """The whole 2021 catalogue on offer (1,102 majors): the 72 majors of tests/data/majors.json with
    their schools' descriptions, every other major by name and code only, as many schools list them."""
    import csv

    with open(ROOT / "matching" / "data" / "catalogue-2021.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    described = {p.name: p for p in programs(len(MAJORS), rng)}
    out = []
    for i, row in enumerate(rows):
        p = described.pop(row["name"], None)
        town = rng.choice(TOWNS)
        out.append(
            Program(f"c{i}", row["name"], code=row["code"], capacity=rng.randint(20, 120), town=town)
            if p is None
            else Program(
                f"c{i}",
                p.name,
                p.description,
                industry=p.industry,
                skills=p.skills,
                capacity=p.capacity,
                town=town,
            )
        )
    return out


def ads(n: int, rng: random.Random) -> list[Demand]:
    """`demands` written as ads: a company blurb with industry words, the duties, benefits and hours."""
    blurbs = [
        "本公司是一家集研发、生产、销售于一体的医药企业，产品销往全国。",
        "公司始建于1970年，以钢铁冶炼和轧钢为主业。",
        "我们是新能源汽车零部件供应商，为多家整车厂配套。",
        "公司专注于生姜大蒜等农产品的精深加工与出口。",
    ]
    out = []
    for d in demands(n, rng):
        description = (
            f"【公司简介】{rng.choice(blurbs)}【岗位职责】{d.description}。【福利待遇】五险一金，包吃住。"
            "【工作时间】长白班"
        )
        ad = Demand(f"a{d.id}", d.title, description, industry=d.industry, skills=d.skills, town=d.town)
        out.append(ad)
    return out


def case(name: str) -> dict[str, object]:
    """Run one case in this process; returns its figures."""
    rng = random.Random(7)
    if name.startswith("rank:") and name.endswith("xcatalogue"):
        # Half of the postings are written as ads (blurb, duties, benefits); median of 3 runs.
        n_d = int(name.split(":")[1].split("x")[0])
        ps = catalogue_programs(rng)
        ds = demands(n_d // 2, rng) + ads(n_d - n_d // 2, rng)
        rank(ds[:1], ps[:1])
        runs = [timed(lambda: rank(ds, ps, top_k=10)) for _ in range(3)]
        seconds = statistics.median(r[0] for r in runs)
        proposals = sum(len(r.matches) for r in runs[0][1])
        return {
            "seconds": seconds,
            "runs": [round(r[0], 2) for r in runs],
            "programs": len(ps),
            "proposals": proposals,
        }
    if name.startswith("rank"):
        n_d, n_p = map(int, name.split(":")[1].split("x"))
        ds, ps = demands(n_d, rng), programs(n_p, rng)
        # Warm-up on one pair: the libraries the matcher imports on first use and its data
        # files load here, as they do once per process, not in the figure for the ranking.
        rank(ds[:1], ps[:1])
        seconds, result = timed(lambda: rank(ds, ps, top_k=10))
        proposals = sum(len(r.matches) for r in result)
        return {"seconds": seconds, "proposals": proposals}
    if name.startswith("allocate"):
        _, size, length, shape = name.split(":")[:4]
        n_s, n_p = map(int, size.split("x"))
        students, places = allocation_instance(n_s, n_p, int(length), shape == "zipf")
        seconds, result = timed(lambda: allocate(students, places, seed=1))
        figures: dict[str, object] = {
            "seconds": seconds,
            "blocking_pairs": result.blocking_pairs,
            "assigned": sum(p is not None for p in result.assignments.values()),
        }
        if name.endswith(":ref"):
            ref_seconds, ref = reference(students, places)
            figures.update(reference_seconds=ref_seconds, identical=ref == dict(result.assignments))
        return figures
    n_e, n_n = map(int, name.split(":")[1].split("x"))
    skills = [m.get("skills", [""])[0] for m in MAJORS]
    experts = [
        Expert(f"e{i}", MAJORS[i % len(MAJORS)]["description"], (skills[i % len(skills)],))
        for i in range(n_e)
    ]
    needs = [
        Need(f"n{i}", f"{MAJORS[(i * 7) % len(MAJORS)]['name']}实训课", (skills[(i * 7) % len(skills)],))
        for i in range(n_n)
    ]
    exchange(experts[:1], needs[:1])  # warm-up, as for rank
    seconds, pairs = timed(lambda: exchange(experts, needs))
    return {"seconds": seconds, "pairs": len(pairs)}


def startup(n_students: int = 5000, n_places: int = 250, repeats: int = 5) -> dict[str, object]:
    """`python -m matching allocate` as a whole process (interpreter start, imports, JSON in and
    out) against algmatch solving the same instance in-process, median of `repeats` runs each."""
    students, places = allocation_instance(n_students, n_places, 10, False)
    with tempfile.TemporaryDirectory() as folder:
        s_path, p_path = Path(folder) / "students.json", Path(folder) / "places.json"
        s_path.write_text(json.dumps([{"id": s.id, "preferences": list(s.preferences)} for s in students]))
        p_path.write_text(
            json.dumps(
                [{"id": p.id, "capacity": p.capacity, "preferences": list(p.preferences)} for p in places]
            )
        )
        command = [
            sys.executable,
            "-m",
            "matching",
            "allocate",
            "--students",
            str(s_path),
            "--places",
            str(p_path),
            "--seed",
            "1",
        ]
        ours = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            ours.append(time.perf_counter() - start)
    reference_seconds = [reference(students, places)[0] for _ in range(repeats)]
    return {
        "process_median": statistics.median(ours),
        "reference_median": statistics.median(reference_seconds),
        "process_runs": ours,
        "reference_runs": reference_seconds,
    }


STARTUP_TARGET = 5.0  # times faster than the reference solving in-process

CASES = [
    ("rank:10000x2000", "rank 10,000 demands x 2,000 programs, top 10", 1.5, 400),
    ("rank:10000x5000", "rank 10,000 demands x 5,000 programs, top 10", 3.0, None),
    ("rank:10000xcatalogue", "rank 10,000 postings x 1,102 majors (median of 3)", 3.0, None),
    ("allocate:20000x1000:10:uniform:ref", "allocate 20,000 x 1,000, 10 prefs, uniform", 0.5, None),
    ("allocate:20000x1000:10:zipf", "allocate 20,000 x 1,000, 10 prefs, Zipf", 0.5, None),
    ("allocate:45000x6400:12:uniform", "allocate 45,000 x 6,400, 12 prefs, uniform", 2.0, None),
    ("allocate:45000x6400:12:zipf", "allocate 45,000 x 6,400, 12 prefs, Zipf", 2.0, None),
    ("exchange:2000x2000", "exchange 2,000 experts x 2,000 needs", 3.0, None),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--skip-reference", action="store_true", help="do not time algmatch")
    parser.add_argument(
        "--only", choices=("rank", "allocate", "exchange", "startup"), help="run only these cases"
    )
    args = parser.parse_args()
    if args.case:
        figures = case(args.case)
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return 0
    ok = True
    if not args.skip_reference and args.only in (None, "startup"):
        f = startup()
        ratio = f["reference_median"] / f["process_median"]
        met = ratio >= STARTUP_TARGET
        ok &= met
        print(
            f"{'python -m matching allocate 5,000 x 250 (process)':<48} {f['process_median']:6.2f} s  "
            f"algmatch in-process {f['reference_median']:.2f} s: {ratio:.1f}x (target >= "
            f"{STARTUP_TARGET:.0f}x)  "
            f"{'ok' if met else 'MISSED'}  (medians of {len(f['process_runs'])})"
        )
    for key, label, target_s, target_mb in CASES:
        if args.only == "startup":
            continue
        if args.only and not key.startswith(args.only):
            continue
        if args.skip_reference:
            key = key.removesuffix(":ref")
        done = subprocess.run(
            [sys.executable, __file__, "--case", key], capture_output=True, text=True, check=True
        )
        f = json.loads(done.stdout)
        met = f["seconds"] <= target_s and (target_mb is None or f["peak_rss_mb"] <= target_mb)
        ok &= met
        rss_target = f" (target <= {target_mb} MB)" if target_mb else ""
        print(
            f"{label:<48} {f['seconds']:6.2f} s (target <= {target_s} s)  "
            f"peak RSS {f['peak_rss_mb']:5.0f} MB{rss_target}  {'ok' if met else 'MISSED'}"
        )
        extra = {k: v for k, v in f.items() if k not in ("seconds", "peak_rss_mb")}
        if "reference_seconds" in extra:
            print(
                f"{'  algmatch (reference) on the same instance':<48} {extra.pop('reference_seconds'):6.2f} s"
                f"  identical assignments: {extra.pop('identical')}"
            )
        print(f"{'':<50}{extra}")
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
