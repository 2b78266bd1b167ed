"""Imports go one way (issue 25): no cycle between the modules of `portal/`, and no domain
imports one above it. The order is written once, here (README's Layout table lists it too).

A domain may import the platform and the domains of lower layers, and those of its own layer
(they share one concern; the cycle check still holds between their modules). The role areas
and the app (factory, CLI, templating, the API) sit on top and may import anything.
"""

from __future__ import annotations

from tests.platform.import_graph import cycles, imports

# Lowest first.
LAYERS: list[tuple[str, ...]] = [
    ("platform",),  # also portal.config and portal.extensions
    ("accounts", "organisations", "audit", "notifications"),  # who acts, for whom, what happened
    ("rules",),
    ("programs",),
    # 1+X results (the matcher's evidence), 3+2/3+4 pathways of majors, 人社 figures alignment weighs in
    ("certificates", "pathways", "labour_market"),
    ("postings",),
    ("partnerships",),
    ("exchanges",),
    ("named_classes",),
    ("apprenticeships",),
    ("internships",),
    ("planning",),  # alignment weighs internship outcomes (graduates hired in their field)
    ("messaging",),  # SMS, e-mail and robot delivery of notifications; offer reminders
    ("pilots",),
    ("training",),  # 育训并举: runs, trainees, centres, shared bases (statistics counts them)
    ("education_groups", "enterprise_reports"),  # what the plan counts (issue 29)
    ("statistics",),
]
TOP = {
    "portal",
    "models",
    "api",
    "admin",
    "school",
    "enterprise",
    "student",
    "public",
    "cli",
    "templating",
    "inbox",
    "navigation",
}


def domain_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "portal"
    if parts[1] in ("config", "extensions"):
        return "platform"
    return parts[1]


def _rank() -> dict[str, int]:
    rank = {domain: level for level, layer in enumerate(LAYERS) for domain in layer}
    rank.update(dict.fromkeys(TOP, len(LAYERS)))
    return rank


def upward_imports(graph) -> set[str]:
    rank = _rank()
    return {
        f"{module} -> {target}"
        for module, edges in graph.items()
        for target, _line, _top in edges
        if rank[domain_of(target)] > rank[domain_of(module)]
    }


def test_every_package_of_portal_has_a_place_in_the_order():
    rank = _rank()
    assert {domain_of(m) for m in imports()} <= set(rank), sorted(
        {domain_of(m) for m in imports()} - set(rank)
    )


def test_no_import_cycle_between_modules():
    assert cycles(imports()) == []


def test_no_domain_imports_one_above_it():
    assert sorted(upward_imports(imports())) == [], (
        "imports a higher domain: publish an event or register a function"
    )


def test_the_checks_see_a_cycle_and_an_upward_import():
    graph = {
        "portal.postings.services": {("portal.partnerships.matching", 1, True)},
        "portal.partnerships.matching": {("portal.postings.services", 1, False)},
    }
    assert cycles(graph) == [["portal.partnerships.matching", "portal.postings.services"]]
    assert upward_imports(graph) == {"portal.postings.services -> portal.partnerships.matching"}


# Where an import inside a function is the mechanism, not a way round a loop: the app factory and
# the CLI import what they wire or run when they are called (an app imports nothing until made).
LAZY_IMPORTERS = {"portal", "portal.cli"}


def test_no_import_inside_a_function_dodges_a_loop():
    inside = sorted(
        f"{module}:{line} -> {target}"
        for module, edges in imports().items()
        if module not in LAZY_IMPORTERS
        for target, line, top in edges
        if not top
    )
    assert inside == []
