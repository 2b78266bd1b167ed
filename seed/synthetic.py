"""Synthetic data at any scale, for benchmarks (`flask seed --scale N`).

Deterministic for a given N, and safe to run twice: records already present
(by name) are not created again. Inserted in bulk, bypassing per-record
validation for speed; every value generated is valid by construction.
"""

from __future__ import annotations

import random

from sqlalchemy import insert, select

from portal.extensions import db
from portal.models import Organisation, OrgKind, OrgStatus, Program, PublicationStatus, Teacher
from portal.organisations.credit_code import ALPHABET, complete
from portal.platform import vocab
from portal.platform.model_base import utcnow
from portal.programs import catalogue
from seed.postings import insert_postings, synthetic_posting_rows

MAJOR_STEMS = [
    "焊接技术应用",
    "工业机器人技术应用",
    "数控技术应用",
    "机电技术应用",
    "智能设备运行与维护",
    "新能源汽车运用与维修",
    "汽车运用与维修",
    "护理",
    "智慧健康养老服务",
    "药剂",
    "农产品加工与质量检测",
    "电子商务",
    "计算机网络技术",
    "会计事务",
    "物流服务与管理",
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
        enterprises.append(
            {
                "kind": OrgKind.ENTERPRISE.value,
                "name": name,
                "town": rng.choice(towns),
                "address": "合成地址",
                "status": OrgStatus.VERIFIED.value,
                "is_demo": True,
                "created_at": now,
                "verified_at": now,
                "credit_code": complete(f"9137{i:06d}"[:8] + body),
                "industry": rng.choice(industries),
                "contact_person": "合成",
                "phone": "0531-76000000",
                "size": rng.choice(list(vocab.ENTERPRISE_SIZES)),
            }
        )
    schools = []
    for i in range(max(1, scale // 5)):
        name = f"合成学校{i:05d}"
        if name in existing:
            continue
        schools.append(
            {
                "kind": OrgKind.SCHOOL.value,
                "name": name,
                "town": rng.choice(towns),
                "address": "合成地址",
                "status": OrgStatus.VERIFIED.value,
                "is_demo": True,
                "created_at": now,
                "verified_at": now,
                "school_kind": rng.choice(list(vocab.SCHOOL_KINDS)),
            }
        )
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
            "school_id": school_id,
            "name": stem,
            "intake_capacity": rng.randint(20, 120),
            "description": f"{stem}（合成数据）",
            "status": PublicationStatus.PUBLISHED.value,
            "is_demo": True,
            "created_at": now,
            "updated_at": now,
            **_program_extras(stem, rng),
        }
        for school_id in school_ids
        for stem in rng.sample(MAJOR_STEMS, 10)
    ]
    if program_rows:
        db.session.execute(insert(Program), program_rows)
    db.session.flush()
    teacher_rows = _teacher_rows(school_ids, rng, now)
    for start in range(0, len(teacher_rows), 2000):
        db.session.execute(insert(Teacher), teacher_rows[start : start + 2000])
    db.session.flush()

    # Postings of every kind for the new enterprises (search benchmark: bench/bench_search.py).
    new_enterprises = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.town, Organisation.industry).where(
            Organisation.name.in_([e["name"] for e in enterprises])
        )
    ).all()
    posting_rows = synthetic_posting_rows(
        [tuple(row) for row in new_enterprises], postings_per_enterprise, rng, now
    )
    insert_postings(posting_rows)
    db.session.flush()
    return {
        "enterprises": len(enterprises),
        "schools": len(schools),
        "programs": len(program_rows),
        "teachers": len(teacher_rows),
        "postings": len(posting_rows),
    }


# Skills and 1+X certificates per major, so that search over skills finds synthetic majors too.
MAJOR_SKILLS: dict[str, tuple[str, str]] = {
    "焊接技术应用": ("焊条电弧焊、气体保护焊、焊接质量检验", "特殊焊接技术"),
    "工业机器人技术应用": ("机器人示教编程、离线仿真、产线维护", "工业机器人操作与运维"),
    "数控技术应用": ("数控车铣加工、CAD/CAM 编程", "数控车铣加工"),
    "机电技术应用": ("机电设备安装、PLC 控制、电气维修", "可编程控制器系统应用编程"),
    "智能设备运行与维护": ("智能产线调试、设备点检", "智能制造设备操作与维护"),
    "新能源汽车运用与维修": ("动力电池检测、电机电控维修", "新能源汽车动力驱动电机电池技术"),
    "汽车运用与维修": ("汽车保养、底盘维修、故障诊断", "汽车运用与维修"),
    "护理": ("基础护理、急救、社区护理", "老年照护"),
    "智慧健康养老服务": ("老年照护、康复保健、失智照护", "失智老年人照护"),
    "药剂": ("药品调剂、药品检验、GMP", "药物制剂生产"),
    "农产品加工与质量检测": ("生姜大蒜加工、农残检测", "农产品质量安全检测"),
    "电子商务": ("网店运营、直播带货、农村电商", "网店运营推广"),
    "计算机网络技术": ("网络搭建、网络安全、运维", "网络系统建设与运维"),
    "会计事务": ("出纳、记账、纳税申报", "业财一体信息化应用"),
    "物流服务与管理": ("仓储管理、配送调度、冷链", "物流管理"),
}
TEACHERS_PER_SCHOOL = 8
SUBJECTS = [
    "焊接工艺",
    "机械制图",
    "机器人编程",
    "电工基础",
    "基础护理",
    "老年照护",
    "电子商务",
    "会计基础",
    "语文",
    "数学",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def _program_extras(stem: str, rng: random.Random) -> dict:
    skills, certificate = MAJOR_SKILLS.get(stem, ("", ""))
    entry = catalogue.entry_for_name(stem)
    return {
        "skills": skills,
        "certificates": certificate,
        "enrolment": rng.randint(40, 300),
        "code": entry.code if entry else None,
        "level": entry.level if entry else None,
        "category": entry.category if entry else None,
        "major_class": entry.class_name if entry else None,
        "facilities": "",
        "partner_college": "",
    }


def _teacher_rows(school_ids, rng: random.Random, now) -> list[dict]:
    return [
        {
            "school_id": school_id,
            "name": f"{rng.choice(SURNAMES)}老师（合成）{n}",
            "subjects": "、".join(rng.sample(SUBJECTS, 2)),
            "double_qualified": rng.random() < 0.6,
            "degree": rng.choice(["associate", "bachelor", "bachelor", "bachelor", "master"]),
            "employment": "full_time" if rng.random() < 0.85 else "part_time",
            "open_to_practice": rng.random() < 0.5,
            "is_demo": True,
            "created_at": now,
            "updated_at": now,
        }
        for school_id in school_ids
        for n in range(TEACHERS_PER_SCHOOL)
    ]
