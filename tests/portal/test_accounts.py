"""Registration, login, password policy and hashing, password change (issue 2, SECURITY 1–3, 6)."""

from __future__ import annotations

from functools import partial

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from portal.accounts import passwords
from portal.accounts import services as accounts
from portal.extensions import db
from portal.models import MembershipStatus, Organisation, OrgStatus, Program, Role, User
from portal.organisations import credit_code
from portal.platform.errors import ServiceError
from tests.conftest import PASSWORD, login

VALID_CODE = credit_code.complete("91370116MA3C8XKP4")


ENTERPRISE_FORM = {
    "org_name": "莱芜精工机械有限公司",
    "credit_code": VALID_CODE,
    "industry": "equipment",
    "town": "kouzhen",
    "address": "口镇工业园",
    "contact_person": "周工",
    "phone": "0531-76001234",
    "size": "medium",
    "name": "周红",
    "email": "hr@jinggong.example.com",
    "password": PASSWORD,
    "confirm": PASSWORD,
}
enterprise_form = partial(dict, ENTERPRISE_FORM)  # enterprise_form(**changes): the form with changes


SCHOOL_FORM = {
    "org_name": "某校",
    "school_kind": "secondary_vocational",
    "town": "fengcheng",
    "address": "x",
    "name": "n",
    "email": "n@example.com",
    "password": PASSWORD,
    "confirm": PASSWORD,
}
school_form = partial(dict, SCHOOL_FORM)  # school_form(**changes): the form with changes


def student_form(staff, **overrides) -> dict:
    """A student's registration at `staff`'s school, in its first major."""
    return {
        "school": staff.organisation_id,
        "program": staff.organisation.programs[0].id,
        "name": "小明",
        "email": "xm@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        **overrides,
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- credit code -------------------------------------------------------------------


@pytest.mark.parametrize(
    "code,ok",
    [
        ("91350100M000100Y43", True),  # a published example code
        ("91350100M000100Y44", False),  # wrong check character
        ("91350100M000100Y4", False),  # 17 characters
        ("91350100M000100I43", False),  # I is not in the alphabet
        ("91350100m000100y43", True),  # lower case is normalised
    ],
)
def test_credit_code_check_character(code, ok):
    assert credit_code.is_valid(code) is ok


# --- registration ------------------------------------------------------------------


def test_register_enterprise_pending_and_lands_home(client):
    response = client.post("/auth/register/enterprise", data=enterprise_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enterprise/")
    org = db.session.scalar(select(Organisation).where(Organisation.name == "莱芜精工机械有限公司"))
    assert org.status == OrgStatus.PENDING.value
    assert org.credit_code == VALID_CODE
    home = client.get("/enterprise/")
    assert "等待认证" in home.get_data(as_text=True)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"credit_code": "91370116MA3C8XKP40"}, "统一社会信用代码无效"),
        ({"password": "short", "confirm": "short"}, "密码至少需要 8 个字符"),
        ({"password": "password123", "confirm": "password123"}, "该密码过于常见"),
        ({"confirm": "something else"}, "两次输入的密码不一致"),
        ({"org_name": "很" * 121}, "最多 120 个字符"),
        ({"email": "not-an-email"}, "请输入有效的邮箱地址"),
        ({"industry": "mining"}, "Not a valid choice"),
    ],
)
def test_register_enterprise_bad_input_changes_nothing(client, overrides, message):
    response = client.post("/auth/register/enterprise", data=enterprise_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True) or message == "Not a valid choice"
    assert count(Organisation) == 0 and count(User) == 0


def test_duplicate_email_refused(client, build):
    hr = build.enterprise()
    response = client.post("/auth/register/enterprise", data=enterprise_form(email=hr.email.upper()))
    assert response.status_code == 400
    assert "该邮箱已注册" in response.get_data(as_text=True)
    assert count(User) == 2  # the builder's HR and admin only


def test_duplicate_credit_code_refused(client, build):
    hr = build.enterprise()
    response = client.post(
        "/auth/register/enterprise", data=enterprise_form(credit_code=hr.organisation.credit_code)
    )
    assert response.status_code == 400
    assert "该统一社会信用代码已注册" in response.get_data(as_text=True)


def test_english_messages_when_english_chosen(client):
    client.set_cookie("lang", "en")
    response = client.post(
        "/auth/register/enterprise", data=enterprise_form(credit_code="91370116MA3C8XKP40")
    )
    assert response.status_code == 400
    assert "The unified social credit code is not valid" in response.get_data(as_text=True)


def test_mass_assignment_ignored(client):
    data = enterprise_form(status="verified", role="admin", organisation_id="1", membership_status="active")
    assert client.post("/auth/register/enterprise", data=data).status_code == 302
    user = db.session.scalar(select(User))
    assert user.role == Role.ENTERPRISE_HR.value
    assert user.organisation.status == OrgStatus.PENDING.value


def test_register_school_and_join_existing(client, build):
    response = client.post(
        "/auth/register/school",
        data=school_form(
            org_name="莱芜第三职业学校", address="凤城", name="王老师", email="wang@school.example.com"
        ),
    )
    assert response.headers["Location"].endswith("/school/")
    hr = build.enterprise()
    client.post("/auth/logout")
    response = client.post(
        "/auth/register/join",
        data={
            "organisation": hr.organisation_id,
            "name": "新同事",
            "email": "new@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    newcomer = accounts.find_user_by_email("new@example.com")
    assert newcomer.membership_status == MembershipStatus.PENDING.value
    assert newcomer.role == Role.ENTERPRISE_HR.value
    # A pending member sees only the waiting page.
    assert client.get("/enterprise/members").status_code == 302
    assert "等待批准" in client.get("/enterprise/").get_data(as_text=True)


def test_student_registration_and_other_schools_major(client, build):
    staff_a = build.school(programs=("护理",))
    staff_b = build.school(programs=("焊接技术应用",))
    foreign_major = staff_b.organisation.programs[0]
    data = {
        "school": staff_a.organisation_id,
        "program": foreign_major.id,
        "name": "小明",
        "email": "xm@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    response = client.post("/auth/register/student", data=data)
    assert response.status_code == 400
    assert "所选专业不属于该学校" in response.get_data(as_text=True)
    assert accounts.find_user_by_email("xm@example.com") is None

    data["program"] = staff_a.organisation.programs[0].id
    assert client.post("/auth/register/student", data=data).status_code == 302
    student = accounts.find_user_by_email("xm@example.com")
    assert student.role == Role.STUDENT.value and student.membership_status == "pending"


def test_student_cannot_register_at_pending_school(client, build):
    staff = build.school(verified=False)
    assert client.post("/auth/register/student", data=student_form(staff)).status_code == 400
    assert accounts.find_user_by_email("xm@example.com") is None


# --- password policy and hashing ----------------------------------------------------


@pytest.mark.parametrize(
    "password,ok",
    [
        ("a" * 7, False),
        ("tulipsqx", True),
        ("长城长城长城长城", True),
        ("x" * 64, True),
        ("y" * 128, True),
        ("z" * 129, False),
        ("12345678", False),
        ("qwerty123", False),
        ("Password123", False),
        ("pass word with spaces", True),
    ],
)
def test_password_policy_by_length_and_common_list(app, password, ok):
    if ok:
        passwords.check_policy(password)
    else:
        with pytest.raises(ServiceError):
            passwords.check_policy(password)


def test_hash_is_argon2id_at_owasp_minimum(app, production_hashing, build):
    hr = build.enterprise()
    assert hr.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hr.password_hash


def test_outdated_hash_is_upgraded_at_login(production_hashing, client, build):
    hr = build.enterprise()
    hr.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    db.session.commit()
    assert login(client, hr.email).status_code == 302
    db.session.refresh(hr)
    assert "m=19456,t=2,p=1" in hr.password_hash


# --- login ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,home",
    [
        ("enterprise", "/enterprise/"),
        ("school", "/school/"),
        ("student", "/student/"),
        ("admin", "/admin/"),
    ],
)
def test_each_role_lands_on_its_home(client, build, role, home):
    if role == "enterprise":
        user = build.enterprise()
    elif role == "school":
        user = build.school()
    elif role == "student":
        user = build.student(build.school())
    else:
        user = build.admin()
        db.session.commit()
    response = login(client, user.email)
    assert response.headers["Location"].endswith(home)
    assert client.get(home).status_code == 200


def test_wrong_password_and_unknown_email_look_the_same(client, build):
    hr = build.enterprise()
    wrong = login(client, hr.email, "wrong password!")
    unknown = login(client, "nobody@example.com", "wrong password!")
    assert wrong.status_code == unknown.status_code == 400
    assert "邮箱或密码错误" in wrong.get_data(as_text=True)
    assert "邮箱或密码错误" in unknown.get_data(as_text=True)


# --- password change ------------------------------------------------------------------


def test_change_password_needs_current(client, build):
    hr = build.enterprise()
    login(client, hr.email)
    before = hr.password_hash

    def change(current: str) -> int:
        new = {"password": "a brand new secret", "confirm": "a brand new secret"}
        return client.post("/auth/password", data={"current_password": current, **new}).status_code

    for current in ("", "not my password"):
        assert change(current) == 400
        db.session.refresh(hr)
        assert hr.password_hash == before
    assert change(PASSWORD) == 302
    db.session.refresh(hr)
    assert hr.password_hash != before
    # Still logged in with the rotated session, and the new password works.
    assert client.get("/enterprise/").status_code == 200
    client.post("/auth/logout")
    assert login(client, hr.email, "a brand new secret").status_code == 302


def test_change_password_refuses_common_password(client, build):
    hr = build.enterprise()
    login(client, hr.email)
    response = client.post(
        "/auth/password", data={"current_password": PASSWORD, "password": "12345678", "confirm": "12345678"}
    )
    assert response.status_code == 400
    assert "该密码过于常见" in response.get_data(as_text=True)


# --- CLI --------------------------------------------------------------------------------


def test_create_admin_twice(app):
    runner = app.test_cli_runner()
    args = ["create-admin", "--email", "Root@Example.com", "--name", "Root", "--password", PASSWORD]
    first = runner.invoke(args=args)
    second = runner.invoke(args=args)
    assert "created" in first.output and "exists" in second.output
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN.value)).all()
    assert [a.email for a in admins] == ["root@example.com"]


def test_create_admin_weak_password_refused(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "a@example.com", "--name", "A", "--password", "12345678"]
    )
    assert result.exit_code != 0
    assert count(User) == 0


def test_seed_twice_is_idempotent(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed"])
    counts = (count(User), count(Organisation), count(Program))
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert (count(User), count(Organisation), count(Program)) == counts
    assert counts[0] >= 4
    roles = set(db.session.scalars(select(User.role).where(User.is_demo.is_(True))))
    assert roles == {r.value for r in Role}


def test_demo_logins_work(client, app):
    app.test_cli_runner().invoke(args=["seed"])
    for email, home in [
        ("admin@xiaoqi-demo.cn", "/admin/"),
        ("hr@xiaoqi-demo.cn", "/enterprise/"),
        ("school@xiaoqi-demo.cn", "/school/"),
        ("student@xiaoqi-demo.cn", "/student/"),
    ]:
        response = login(client, email, "laiwu-demo-2026")
        assert response.headers["Location"].endswith(home), email
        assert client.get(home).status_code == 200
        client.post("/auth/logout")


def test_seed_scale_generates_synthetic_data(app):
    result = app.test_cli_runner().invoke(args=["seed", "--scale", "50"])
    assert result.exit_code == 0, result.output
    db.session.rollback()  # only what the command committed survives
    synthetic = db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.name.like("合成%"))
    )
    assert synthetic == 60  # 50 enterprises + 10 schools
    again = app.test_cli_runner().invoke(args=["seed", "--scale", "50"])
    assert again.exit_code == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.name.like("合成%"))
        )
        == 60
    )


def test_the_administrators_user_search_takes_wildcards_literally(app, build):
    """One LIKE escaping helper (issue 25): "%" and "_" typed into the search are characters."""
    from portal.accounts.users import search_users

    build.school()
    build.enterprise()
    assert search_users("%") == []
    assert search_users("_") == []
    assert search_users("staff")  # an ordinary term still finds
