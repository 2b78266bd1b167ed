"""The dashboard's issue-29 figures against the demo records counted by hand (seed/plan_records.py
says how each is counted), and the demo removed cleanly."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.certificates.models import SkillCertificate
from portal.extensions import db
from portal.models import Pathway
from portal.statistics import services as statistics
from seed.statistics import DEMO_SECONDARY_VOCATIONAL_ADMISSIONS, DEMO_UPPER_SECONDARY_INTAKE


def test_the_demo_figures_by_hand(app, demo):
    figures = {f.key: f for f in statistics.district_figures()}
    assert figures["pathway_colleges"].value == 2  # 莱芜职业技术学院（演示）, 山东医学高等专科学校（演示）
    assert figures["pathway_majors"].value == 3
    assert figures["pathway_transfer_rate"].detail == "113 / 123"  # 36 + 30 + 47 of 39 + 34 + 50
    assert figures["pathway_transfer_rate"].value == 91.9
    passes = figures["certificate_pass_rate"]
    assert passes.detail == "3 / 5" and passes.value == 60.0
    assert figures["vocational_education_groups"].value == 1
    share = 100 * DEMO_SECONDARY_VOCATIONAL_ADMISSIONS / DEMO_UPPER_SECONDARY_INTAKE
    assert figures["secondary_vocational_share"].value == round(share, 1)
    names = db.session.scalars(select(SkillCertificate.name)).all()
    assert names and all(name.endswith("（演示）") for name in names)  # none typed as if official


def test_removing_the_demo_removes_its_plan_records(app, demo):
    from seed.loader import remove_demo

    remove_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Pathway.id))) == 0
    assert db.session.scalar(select(func.count(SkillCertificate.id))) == 0
