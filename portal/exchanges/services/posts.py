"""Practice posts (教师企业实践岗位) that enterprises offer teachers."""

from __future__ import annotations

from portal.accounts.models import Role, User
from portal.exchanges.models import PracticePost, PracticePostStatus
from portal.exchanges.services.common import MAX_HOURS, MAX_PLACES, SKILLS_MAX, TEXT_MAX, TITLE_MAX
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.platform import checks
from portal.platform.errors import NotFound, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.queries import newest_first
from portal.postings.services import normalise_list


def posts_of_enterprise(enterprise_id: int) -> list[PracticePost]:
    return newest_first(PracticePost.created_at, PracticePost.enterprise_id == enterprise_id)


def get_own_post(hr: User, post_id: int) -> PracticePost:
    post = db.session.get(PracticePost, post_id)
    if post is None or hr.role != Role.ENTERPRISE_HR.value or post.enterprise_id != hr.organisation_id:
        raise NotFound(_l("Practice post not found."))
    return post


def _post_values(*, title: str, description: str, skills: str, hours_per_term: int, places: int) -> dict:
    return {
        "title": checks.text(title, field="title", max_length=TITLE_MAX, required=True),
        "description": checks.text(description, field="description", max_length=TEXT_MAX),
        "skills": normalise_list(checks.text(skills, field="skills", max_length=SKILLS_MAX)),
        "hours_per_term": checks.integer(
            hours_per_term, field="hours_per_term", minimum=1, maximum=MAX_HOURS
        ),
        "places": checks.integer(places, field="places", minimum=1, maximum=MAX_PLACES),
    }


def create_post(
    enterprise: Organisation,
    *,
    title: str,
    hours_per_term: int,
    places: int = 1,
    description: str = "",
    skills: str = "",
) -> PracticePost:
    post = PracticePost(
        enterprise_id=enterprise.id,
        **_post_values(
            title=title, description=description, skills=skills, hours_per_term=hours_per_term, places=places
        ),
    )
    db.session.add(post)
    db.session.flush()
    return post


def update_post(
    hr: User,
    post_id: int,
    *,
    title: str,
    hours_per_term: int,
    places: int = 1,
    description: str = "",
    skills: str = "",
) -> PracticePost:
    post = get_own_post(hr, post_id)
    values = _post_values(
        title=title, description=description, skills=skills, hours_per_term=hours_per_term, places=places
    )
    for key, value in values.items():
        setattr(post, key, value)
    db.session.flush()
    return post


def set_post_status(hr: User, post_id: int, status: str) -> PracticePost:
    """Open or close a post; exchanges already made on it go on."""
    post = get_own_post(hr, post_id)
    status = checks.choice(status, PracticePostStatus, field="status")
    if post.status == status:
        raise ServiceError(_l("Nothing to change."))
    transition(post, status)
    db.session.flush()
    return post
