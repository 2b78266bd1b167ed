"""Two-way exchange (双向交流): part-time teachers from industry and teacher enterprise practice.

Suggestions
    Computed on demand by the matcher (`portal.partnerships.matching.exchange_suggestions`), never
    stored, so a page that shows them changes nothing. Two runs, one per direction:
    experts of published part-time-teacher postings (their hours left) ↔ open teaching needs
    (their hours not yet covered); teachers open to practice and not already in one ↔ open
    practice posts (their places left, one place per teacher). A pair that already has an
    exchange (in any status, also cancelled) is not suggested again. Everyone sees the same
    suggestions; each organisation sees the ones it is part of.

Workflow (one state machine for both directions)
    proposed ──accept by school──▶ accepted_by_school ──accept by enterprise──▶ agreed ──▶ completed
             ──accept by enterprise──▶ accepted_by_enterprise ──accept by school──▶ agreed
    any state before completed ──cancel (with reason)──▶ cancelled
    Accepting a suggestion creates the exchange (proposed) and accepts it for the accepting side
    in the same unit of work. Every refused step raises `ServiceError` before changing anything.

The 20% rule (see `part_time_share`): a school may use up to 20% of its staffing quota (编制员额)
to hire part-time teachers, with those posts' funding; the school and the dashboard see its use and
a warning near or over the limit. An expert exchange is never refused for it.

Plain arguments in; flush, never commit. Another organisation's exchange or post is `NotFound`.

The package holds one concern a module: `common` (limits, the term, sides), `posts` (practice
posts), `suggestions` (the matcher's pairs), `workflow` (the state machine) and `part_time`
(the report of the 20% rule).
"""

from portal.exchanges.services.common import current_term, side_of
from portal.exchanges.services.part_time import (
    district_quota_rows,
    part_time_share,
    part_time_warning,
    people_of_term,
    set_staffing_quota,
)
from portal.exchanges.services.posts import (
    create_post,
    get_own_post,
    posts_of_enterprise,
    set_post_status,
    update_post,
)
from portal.exchanges.services.suggestions import (
    expert_suggestions,
    offered_experts,
    open_practice_places,
    practice_suggestions,
    propose_expert,
    propose_practice,
    register_practice_first,
    suggestions_for,
)
from portal.exchanges.services.workflow import (
    accept,
    accept_suggestion,
    ask_for_practice,
    cancel,
    complete,
    decline_suggestion,
    exchanges_of,
    get_own_exchange,
    record_double_qualified,
    steps,
    teaching_service,
)

__all__ = [
    "accept",
    "accept_suggestion",
    "ask_for_practice",
    "cancel",
    "complete",
    "create_post",
    "current_term",
    "decline_suggestion",
    "exchanges_of",
    "expert_suggestions",
    "get_own_exchange",
    "get_own_post",
    "offered_experts",
    "open_practice_places",
    "part_time_share",
    "part_time_warning",
    "district_quota_rows",
    "people_of_term",
    "posts_of_enterprise",
    "practice_suggestions",
    "propose_expert",
    "propose_practice",
    "register_practice_first",
    "record_double_qualified",
    "set_post_status",
    "set_staffing_quota",
    "side_of",
    "steps",
    "suggestions_for",
    "teaching_service",
    "update_post",
]
