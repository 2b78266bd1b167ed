"""Which catalogue majors (and 专业大类) a posting prepares people for: the demand side of the
district's major warning (专业预警调控) figures.

Reads the major knowledge base (data/majors.tsv) only; no model is fitted, so classifying one
posting costs a few scans of its text. Points, per major:

    named    3   the major HR named (by catalogue name or code), when the knowledge base has it
    title    2   each role (occupation or HR job title) of the major in the posting's title
    role     1   each of its roles in the description or skills only
    skill    1   each of its catalogue skills anywhere in the posting

A major needs at least 2 points (one title role, or two weaker pieces of evidence), so one
shared skill such as 安全生产 does not make a welding posting a chemistry one. Evidence is
returned as (kind, term) pairs so the portal can show why a posting counts for a major.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from matching import knowledge, text
from matching.text import normalise

__all__ = ["MajorFit", "classify", "MIN_POINTS"]

MIN_POINTS = 2.0
_POINTS = {"named": 3.0, "title": 2.0, "role": 1.0, "skill": 1.0}


@dataclass(frozen=True)
class MajorFit:
    """One catalogue major a posting prepares for, its major group (专业大类), points and evidence."""

    name: str
    group: str
    points: float
    evidence: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "group": self.group,
            "points": self.points,
            "evidence": [list(pair) for pair in self.evidence],
        }


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Role term -> major names, skill term -> major names (a term may belong to several)."""
    roles: dict[str, list[str]] = {}
    skills: dict[str, list[str]] = {}
    for major in knowledge.majors().by_name.values():
        for role in major.roles:
            roles.setdefault(role, []).append(major.name)
        for skill in major.skills:
            skills.setdefault(normalise(skill), []).append(major.name)
    return (
        {k: tuple(dict.fromkeys(v)) for k, v in roles.items()},
        {k: tuple(dict.fromkeys(v)) for k, v in skills.items()},
    )


def classify(
    title: str, description: str = "", skills: tuple[str, ...] = (), major: str = "", *, limit: int = 3
) -> tuple[MajorFit, ...]:
    """The catalogue majors this posting prepares for, best first (at most `limit`)."""
    kb = knowledge.majors()
    by_role, by_skill = _index()
    points: dict[str, float] = {}
    evidence: dict[str, list[tuple[str, str]]] = {}

    def add(name: str, kind: str, term: str) -> None:
        if (kind, term) in evidence.get(name, ()):
            return
        points[name] = points.get(name, 0.0) + _POINTS[kind]
        evidence.setdefault(name, []).append((kind, term))

    named = kb.find(major) if major.strip() else None
    if named is not None:
        add(named.name, "named", named.name)
    _, title_roles, title_skills = kb.scan(normalise(title))
    # As ads are written: the role's sections only, nothing for a role no major trains for.
    if knowledge.untrained_title(normalise(title), title_roles):
        description = ""
    _, body_roles, body_skills = kb.scan(normalise("\n".join([text.role_text(description), *skills])))
    for role in title_roles:
        for name in by_role.get(role, ()):
            add(name, "title", role)
    for role in body_roles:
        if role not in title_roles:
            for name in by_role.get(role, ()):
                add(name, "role", role)
    for skill in dict.fromkeys([*title_skills, *body_skills]):
        for name in by_skill.get(skill, ()):
            add(name, "skill", skill)
    ranked = sorted((n for n, p in points.items() if p >= MIN_POINTS), key=lambda n: (-points[n], n))
    return tuple(
        MajorFit(
            name=n,
            group=kb.by_name[knowledge.major_key(n)].group,
            points=points[n],
            evidence=tuple(evidence[n]),
        )
        for n in ranked[:limit]
    )
