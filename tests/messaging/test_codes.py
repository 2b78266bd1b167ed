"""SMS codes: sign-in by number, expiry, single use, five tries, rate limits per number and per
address; stored hashed; unknown numbers cannot be told from known ones."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from flask_login import current_user
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.messaging import codes, phones
from portal.messaging.models import OutgoingMessage, SmsCode
from portal.platform.errors import ServiceError
from tests.portal.test_accounts import student_form

NUMBER = "+8613800000001"
SHOWN = "138 0000 0001"


@pytest.fixture
def student(app, build):
    staff = build.school()
    student = build.student(staff)
    phones.set_number(student, NUMBER)
    db.session.commit()
    return student


def _code_from_log(caplog) -> str:
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.messaging.providers"]
    assert lines, "the console provider wrote nothing"
    return re.search(r"\d{6}", lines[-1]).group(0)


def _issue(number=SHOWN, address="10.0.0.1", purpose="login"):
    row = codes.issue(purpose, number, address)
    db.session.commit()
    return row


def _age(row_id: int, seconds: int) -> None:
    """Move a code into the past (instead of waiting): created and expiring `seconds` earlier."""
    row = db.session.get(SmsCode, row_id)
    db.session.execute(
        update(SmsCode)
        .where(SmsCode.id == row_id)
        .values(
            created_at=row.created_at - timedelta(seconds=seconds),
            expires_at=row.expires_at - timedelta(seconds=seconds),
        )
    )
    db.session.commit()


def _refused(call) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        call()
    db.session.rollback()
    return info.value


def test_numbers_are_stored_in_e164_and_shown_grouped_and_masked(app):
    assert phones.parse("138 0000 0001") == NUMBER
    assert phones.parse("+86 138-0000-0001") == NUMBER
    assert phones.display(NUMBER) == SHOWN
    assert phones.masked(NUMBER) == "138 **** 0001"
    for bad in ("12345", "0531-1234567", "abc", "1" * 40, ""):
        with pytest.raises(ServiceError):
            phones.parse(bad)


def test_sign_in_with_the_code_from_the_sms(student, caplog):
    with caplog.at_level(logging.INFO):
        row = _issue()
        code = _code_from_log(caplog)
    assert code not in (row.code_hash, row.address)  # stored hashed
    user = codes.sign_in(SHOWN, code)
    db.session.commit()
    assert user.id == student.id
    # The message that carried the code no longer holds it.
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.about == f"sms_code:{row.id}"))
    assert message.status == "sent" and code not in str(message.params)


def test_a_code_works_once(student, caplog):
    with caplog.at_level(logging.INFO):
        _issue()
        code = _code_from_log(caplog)
    codes.sign_in(SHOWN, code)
    db.session.commit()
    error = _refused(lambda: codes.sign_in(SHOWN, code))
    assert error.field == "code"


def test_a_code_expires_after_five_minutes(student, caplog):
    with caplog.at_level(logging.INFO):
        row = _issue()
        code = _code_from_log(caplog)
    _age(row.id, 299)
    _age(row.id, 2)  # 301 seconds old
    error = _refused(lambda: codes.sign_in(SHOWN, code))
    assert error.message == codes.DEAD


def test_a_code_just_inside_five_minutes_still_works(student, caplog):
    with caplog.at_level(logging.INFO):
        row = _issue()
        code = _code_from_log(caplog)
    _age(row.id, 290)
    assert codes.sign_in(SHOWN, code).id == student.id


def test_five_wrong_tries_lock_the_code_even_for_the_right_digits(student, caplog):
    with caplog.at_level(logging.INFO):
        row = _issue()
        code = _code_from_log(caplog)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert _refused(lambda: codes.sign_in(SHOWN, wrong)).message == codes.WRONG
    # The tries were counted although each request was rolled back.
    assert db.session.get(SmsCode, row.id).failures == 5
    assert _refused(lambda: codes.sign_in(SHOWN, code)).message == codes.DEAD


def test_four_wrong_tries_then_the_right_code_signs_in(student, caplog):
    with caplog.at_level(logging.INFO):
        _issue()
        code = _code_from_log(caplog)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        _refused(lambda: codes.sign_in(SHOWN, wrong))
    assert codes.sign_in(SHOWN, code).id == student.id


def test_one_code_a_minute_per_number(student):
    first = _issue(address="10.0.0.1")
    error = _refused(lambda: codes.issue("login", SHOWN, "10.0.0.2"))  # another address, same number
    assert isinstance(error, codes.TooManyCodes) and error.status_code == 429
    _age(first.id, 61)
    _issue(address="10.0.0.3")


def test_five_codes_an_hour_per_number(student):
    for i in range(5):
        row = _issue(address=f"10.0.1.{i}")
        _age(row.id, 61)
    error = _refused(lambda: codes.issue("login", SHOWN, "10.0.1.9"))
    assert error.message == codes.TOO_MANY
    assert db.session.scalar(select(func.count()).select_from(SmsCode)) == 5


def test_one_code_a_minute_and_five_an_hour_per_address(app):
    row = _issue("139 0000 0000", address="10.9.9.9")
    assert _refused(lambda: codes.issue("login", "139 0000 0001", "10.9.9.9")).message == codes.TOO_SOON
    _age(row.id, 61)
    for i in range(1, 5):
        row = _issue(f"139 0000 000{i}", address="10.9.9.9")
        _age(row.id, 61)
    assert _refused(lambda: codes.issue("login", "139 0000 0008", "10.9.9.9")).message == codes.TOO_MANY
    _issue("139 0000 0008", address="10.9.9.10")  # another address may


def test_unknown_number_gets_the_same_answer_and_no_sms(app):
    row = _issue("139 1234 5678")
    assert row.user_id is None
    assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)) == 0


def test_phone_login_pages(app, student, caplog):
    client = app.test_client()
    assert "/auth/phone" in client.get("/auth/login").get_data(as_text=True)
    with caplog.at_level(logging.INFO):
        response = client.post("/auth/phone", data={"phone": SHOWN})
        assert response.status_code == 302 and NUMBER not in response.headers["Location"]
        code = _code_from_log(caplog)
    page = client.get("/auth/phone/code").get_data(as_text=True)
    assert "138 **** 0001" in page and SHOWN not in page
    wrong = client.post("/auth/phone/code", data={"code": "12345x"})
    assert wrong.status_code == 400
    response = client.post("/auth/phone/code", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"].startswith("/student")
    with client:
        client.get("/student/")
        assert current_user.id == student.id
    # Asking again at once: refused with 429 and a message.
    again = app.test_client().post("/auth/phone", data={"phone": SHOWN})
    assert again.status_code == 429


def test_reset_the_password_by_sms(app, student, caplog):
    from portal.accounts import services as accounts

    client = app.test_client()
    with caplog.at_level(logging.INFO):
        assert client.post("/auth/phone/reset", data={"phone": SHOWN}).status_code == 302
        code = _code_from_log(caplog)
    old_hash = student.password_hash
    # A common password is refused beside its field, and the code keeps its tries.
    weak = client.post(
        "/auth/phone/reset/code", data={"code": code, "password": "12345678", "confirm": "12345678"}
    )
    assert weak.status_code == 400
    db.session.expire_all()
    assert db.session.get(type(student), student.id).password_hash == old_hash
    assert db.session.scalar(select(SmsCode.failures)) == 0
    new = "a long new passphrase 2026"
    done = client.post("/auth/phone/reset/code", data={"code": code, "password": new, "confirm": new})
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/login")
    db.session.expire_all()
    assert accounts.authenticate(student.email, new) is not None
    assert _refused(lambda: codes.reset_password(SHOWN, code, new + "!")).message == codes.DEAD  # used once


def test_a_login_code_does_not_reset_a_password(student, caplog):
    with caplog.at_level(logging.INFO):
        _issue(purpose="login")
        code = _code_from_log(caplog)
    assert (
        _refused(lambda: codes.reset_password(SHOWN, code, "a long new passphrase 2026")).message
        == codes.DEAD
    )


def test_registration_verifies_the_number_with_a_code(app, build, caplog):
    from portal.accounts import services as accounts

    staff = build.school()
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        response = client.post("/auth/register/student", data=student_form(staff, phone="136 0000 0003"))
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/phone/verify")
        code = _code_from_log(caplog)
    student = accounts.find_user_by_email("xm@example.com")
    assert phones.number_of(student) is None  # not before the code
    assert client.post("/account/phone/verify", data={"code": code}).status_code == 302
    assert phones.number_of(student) == "+8613600000003"


def test_registration_with_a_bad_number_creates_nothing(app, build):
    from portal.accounts import services as accounts

    staff = build.school()
    response = app.test_client().post("/auth/register/student", data=student_form(staff, phone="12345"))
    assert response.status_code == 400
    assert "138 0000 0000" in response.get_data(as_text=True)  # the message names the expected form
    assert accounts.find_user_by_email("xm@example.com") is None
    assert db.session.scalar(select(func.count()).select_from(SmsCode)) == 0


def test_registration_without_a_number_goes_home_as_before(app, build):
    staff = build.school()
    response = app.test_client().post("/auth/register/student", data=student_form(staff))
    assert response.status_code == 302 and response.headers["Location"].endswith("/student/")
