"""Synthetic data at any scale, for benchmarks (`flask seed --scale N`).

Deterministic for a given N, and safe to run twice: records already present
(by name) are not created again. Inserted in bulk, bypassing per-record
validation for speed; every value generated is valid by construction.
"""
from __future__ import annotations

import random

from sqlalchemy import insert, select

from portal import vocab
from portal.extensions import db
from portal.models import Organisation, OrgKind, OrgStatus, Posting, Program, PublicationStatus
from portal.models.base import utcnow
from portal.services.credit_code import ALPHABET, complete
from seed.postings import synthetic_posting_rows

MAJOR_STEMS = [
    "焊接技术应用", "工业机器人技术应用", "数控技术应用", "机电技术应用", "智能设备运行与维护",
    "新能源汽车运用与维修", "汽车运用与维修", "护理", "智慧健康养老服务", "药剂",
    "农产品加工与质量检测", "电子商务", "计算机网络技术", "会计事务", "物流服务与管理",
]


def generate(scale: int, seed: int = 2020, postings_per_enterprise: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    now = utcnow()
    towns = list(vocab.TOWNS)
    industries = list(vocab.INDUSTRIES)
    existing = set(db.session.scalars(select(Organisation.name).where(Organisation.name.like("合成%"))))

    enterprises = []
    for i in range(scale):
        name = f"合成企业{i:06d}"
        body = "".join(rng.choice(ALPHABET) for _ in range(9))
        if name in existing:
            continue
        enterprises.append({
            "kind": OrgKind.ENTERPRISE.value, "name": name, "town": rng.choice(towns),
            "address": "合成地址", "status": OrgStatus.VERIFIED.value, "is_demo": True,
            "created_at": now, "verified_at": now, "credit_code": complete(f"9137{i:06d}"[:8] + body),
            "industry": rng.choice(industries), "contact_person": "合成", "phone": "0531-0000000",
            "size": rng.choice(list(vocab.ENTERPRISE_SIZES)),
        })
    schools = []
    for i in range(max(1, scale // 5)):
        name = f"合成学校{i:05d}"
        if name in existing:
            continue
        schools.append({
            "kind": OrgKind.SCHOOL.value, "name": name, "town": rng.choice(towns), "address": "合成地址",
            "status": OrgStatus.VERIFIED.value, "is_demo": True, "created_at": now, "verified_at": now,
            "school_kind": rng.choice(list(vocab.SCHOOL_KINDS)),
        })
    if enterprises:
        db.session.execute(insert(Organisation), enterprises)
    if schools:
        db.session.execute(insert(Organisation), schools)
    db.session.flush()

    school_ids = db.session.scalars(
        select(Organisation.id).where(Organisation.name.in_([s["name"] for s in schools]))
    ).all()
    program_rows = [
        {
            "school_id": school_id, "name": stem, "intake_capacity": rng.randint(20, 120),
            "description": f"{stem}（合成数据）", "status": PublicationStatus.PUBLISHED.value,
            "is_demo": True, "created_at": now, "updated_at": now,
        }
        for school_id in school_ids
        for stem in rng.sample(MAJOR_STEMS, 10)
    ]
    if program_rows:
        db.session.execute(insert(Program), program_rows)
    db.session.flush()

    # Postings of every kind for the new enterprises (search benchmark: bench/bench_search.py).
    new_enterprises = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.town)
        .where(Organisation.name.in_([e["name"] for e in enterprises]))
    ).all()
    posting_rows = synthetic_posting_rows(
        [tuple(row) for row in new_enterprises], postings_per_enterprise, rng, now
    )
    for start in range(0, len(posting_rows), 2000):
        db.session.execute(insert(Posting), posting_rows[start:start + 2000])
    db.session.flush()
    return {
        "enterprises": len(enterprises), "schools": len(schools), "programs": len(program_rows),
        "postings": len(posting_rows),
    }
