"""The one door to the `matching` library: portal records in, the library's results out."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matching


# --- teacher exchange ---
# Owned by the two-way exchange workflow (portal.services.exchanges), which gathers who offers hours
# (enterprise experts, or teachers seeking enterprise practice) and who needs them (teaching needs, or
# practice posts) as plain `ExchangeSide`s; this section runs `matching.exchange` over them.

EXCHANGE_MAX_SLOTS = 2000  # the library assigns hour by hour; beyond this many, hours go in blocks


@dataclass(frozen=True)
class ExchangeSide:
    key: str
    description: str
    skills: tuple[str, ...]
    hours: int


@dataclass(frozen=True)
class ExchangeSuggestion:
    offer_key: str
    need_key: str
    score: float  # in [0, 1]
    hours: int
    reasons: list[dict]


def exchange_suggestions(offers: Sequence[ExchangeSide], needs: Sequence[ExchangeSide], *,
                         threshold: float | None = None) -> list[ExchangeSuggestion]:
    """The pairs `matching.exchange` proposes (never one under its threshold), highest score first.

    Hours are whole slots in the library (one assignment row per hour); when the sides offer more
    than EXCHANGE_MAX_SLOTS hours, hours are grouped into equal blocks so the assignment stays
    small, and each pair's hours are capped by what both sides actually have.
    """
    offers = [o for o in offers if o.hours > 0]
    needs = [n for n in needs if n.hours > 0]
    if not offers or not needs:
        return []
    largest = max(sum(o.hours for o in offers), sum(n.hours for n in needs))
    block = max(1, -(-largest // EXCHANGE_MAX_SLOTS))

    def slots(hours: int) -> int:
        return max(1, hours // block)

    experts = [matching.Expert(id=str(i), description=o.description, skills=tuple(o.skills), hours=slots(o.hours))
               for i, o in enumerate(offers)]
    wanted = [matching.Need(id=str(i), description=n.description, skills=tuple(n.skills), hours=slots(n.hours))
              for i, n in enumerate(needs)]
    options = {} if threshold is None else {"threshold": threshold}
    found = []
    for pair in matching.exchange(experts, wanted, **options):
        offer, need = offers[int(pair.expert_id)], needs[int(pair.need_id)]
        found.append(ExchangeSuggestion(
            offer_key=offer.key, need_key=need.key,
            score=min(1.0, max(0.0, float(pair.score))),
            hours=min(pair.hours * block, offer.hours, need.hours),
            reasons=[reason.to_dict() for reason in pair.reasons],
        ))
    found.sort(key=lambda s: -s.score)
    return found
