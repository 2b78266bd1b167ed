"""Demo postings from seed/data/postings.json, created through the postings service.

Safe to run twice: a posting whose enterprise already has one with the same
title is left alone. Dates are relative to the day of loading, so the demo
site always shows open postings.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from portal.extensions import db
from portal.models import Organisation, Posting, PostingSearch, PublicationStatus
from portal.platform import checks
from portal.postings import services as postings
from portal.postings.services import PostingInput

POSTINGS_FILE = Path(__file__).resolve().parent / "data" / "postings.json"


def _day(today: date, spec: dict, key: str) -> date | None:
    days = spec.get(key)
    return today + timedelta(days=days) if days is not None else None


def load_demo_postings(today: date | None = None) -> int:
    """Create the demo postings that are missing; returns how many were created."""
    today = today or checks.district_today()
    specs = json.loads(POSTINGS_FILE.read_text(encoding="utf-8"))["postings"]
    created = 0
    for spec in specs:
        enterprise = db.session.scalar(select(Organisation).where(Organisation.name == spec["enterprise"]))
        if enterprise is None:
            continue  # the demo organisations were removed or renamed: nothing to attach to
        exists = db.session.scalar(
            select(Posting.id).where(Posting.enterprise_id == enterprise.id, Posting.title == spec["title"])
        )
        if exists:
            continue
        data = PostingInput(
            title=spec["title"],
            description=spec.get("description", ""),
            skills=spec.get("skills", ""),
            certificates=spec.get("certificates", ""),
            headcount=spec["headcount"],
            town=spec.get("town") or enterprise.town,
            start_date=_day(today, spec, "start_in_days"),
            end_date=_day(today, spec, "end_in_days"),
            deadline=_day(today, spec, "deadline_in_days"),
            details=spec.get("details", {}),
        )
        posting = postings.create_posting(enterprise, spec["kind"], data, today=today)
        posting.is_demo = True
        if spec.get("status") == PublicationStatus.PUBLISHED.value and enterprise.is_verified:
            postings.publish(posting, today=today)
        created += 1
    db.session.flush()
    return created


# --- synthetic postings for benchmarks (seed/synthetic.py) -----------------------

SYNTHETIC_STEMS = [
    "焊接",
    "装配",
    "工业机器人",
    "数控加工",
    "电气控制",
    "新能源汽车维修",
    "护理",
    "老年照护",
    "药物制剂",
    "农产品加工",
    "直播电商",
    "网店运营",
    "冷链物流",
    "质量检测",
    "不锈钢冷轧",
    "钳工",
]
SYNTHETIC_CERTS = [
    "特殊焊接技术",
    "工业机器人操作与运维",
    "数控车铣加工",
    "智能新能源汽车",
    "老年照护",
    "药物制剂生产",
    "农产品电商运营",
    "网店运营推广",
    "食品合规管理",
]
_KIND_WORDS = {
    "order_class": "订单班",
    "apprenticeship": "现代学徒制",
    "internship": "岗位实习",
    "part_time_teacher": "兼职教师",
    "staff_training": "职工培训",
}


def _synthetic_details(kind: str, stem: str, rng) -> dict:
    if kind == "order_class":
        return {
            "major": f"{stem}相关专业",
            "class_name": f"{stem}冠名班" if rng.random() < 0.5 else "",
            "years": rng.randint(2, 3),
            "benefits": ["scholarship", "guaranteed_job"],
            "expectations": "",
        }
    if kind == "apprenticeship":
        return {
            "major": "",
            "stipend": rng.randint(0, 30) * 100,
            "rotation": "工学交替",
            "mentors": [{"name": "合成师傅", "skills": stem, "title": "technician"}],
        }
    if kind == "internship":
        return {
            "positions": f"{stem}岗",
            "months": rng.randint(1, 12),
            "pay": rng.randint(20, 50) * 100,
            "lodging": rng.random() < 0.5,
            # What the 2021 internship rules ask HR to declare: an ordinary, safe post.
            "post_staff_count": rng.randint(10, 200),
            "venue": "workplace",
            "channel": "direct",
            "intensity": rng.choice(["1", "2"]),
            "hazards": ["none"],
            "minors_forbidden": "no",
            "women_forbidden": "no",
        }
    if kind == "part_time_teacher":
        return {
            "experts": [
                {
                    "name": "合成专家",
                    "expertise": stem,
                    "title": "senior_technician",
                    "hours": rng.randint(8, 120),
                }
            ]
        }
    return {
        "courses": f"{stem}技能提升",
        "target_groups": ["employees", "migrant_workers"],
        "schedule": "周末",
    }


def synthetic_posting_rows(
    enterprises: list[tuple[int, str, str]], per_enterprise: int, rng, now
) -> list[dict]:
    """Valid-by-construction rows for `insert_postings`: `enterprises` are (id, name, town[, industry])."""
    from portal.models import PostingKind
    from portal.postings.services import build_search_text, search_terms

    kinds = [k.value for k in PostingKind]
    today = checks.district_today()
    rows = []
    for enterprise_id, name, town, *industry in enterprises:
        for _ in range(per_enterprise):
            kind = rng.choice(kinds)
            stem, other = rng.sample(SYNTHETIC_STEMS, 2)
            title = f"{stem}{_KIND_WORDS[kind]}（合成）"
            perk = rng.choice(["可提供住宿", "包吃住", "有师傅带教"])
            description = f"合成数据：招收{stem}、{other}方向人员，{perk}。"
            skills = f"{stem}、{other}"
            certificates = rng.choice(SYNTHETIC_CERTS)
            details = _synthetic_details(kind, stem, rng)
            roll = rng.random()
            status = "published" if roll < 0.9 else ("draft" if roll < 0.95 else "closed")
            start = today + timedelta(days=rng.randint(10, 200))
            search_text = build_search_text(
                kind=kind,
                title=title,
                description=description,
                skills=skills,
                certificates=certificates,
                details=details,
                enterprise_name=name,
            )
            rows.append(
                {
                    "enterprise_id": enterprise_id,
                    "kind": kind,
                    "status": status,
                    "title": title,
                    "description": description,
                    "skills": skills,
                    "certificates": certificates,
                    "headcount": rng.randint(1, 80),
                    "town": town,
                    "start_date": start,
                    "end_date": start + timedelta(days=rng.randint(30, 900)),
                    "deadline": today + timedelta(days=rng.randint(0, 150)),
                    "details": details,
                    "search_text": search_text,
                    "search_vector": search_terms(search_text, town, (industry or [""])[0] or "", title),
                    "is_demo": True,
                    "created_at": now,
                    "updated_at": now,
                    "published_at": (
                        now - timedelta(minutes=rng.randint(0, 100_000)) if status != "draft" else None
                    ),
                    "closed_at": now if status == "closed" else None,
                }
            )
    return rows


SEARCH_KEYS = ("search_text", "search_vector")


def insert_postings(rows: list[dict]) -> None:
    """Bulk-insert rows of `synthetic_posting_rows`: each posting, then its search row (the
    posting_search table, portal.postings.models.PostingSearch) under the posting's new id."""
    for start in range(0, len(rows), 2000):
        batch = rows[start : start + 2000]
        postings = [{k: v for k, v in row.items() if k not in SEARCH_KEYS} for row in batch]
        ids = db.session.scalars(
            insert(Posting).returning(Posting.id, sort_by_parameter_order=True), postings
        ).all()
        searches = [{"posting_id": i, **{k: row[k] for k in SEARCH_KEYS}} for i, row in zip(ids, batch)]
        db.session.execute(insert(PostingSearch), searches)
