"""The navigation: a few task menus per role instead of one long row of links.

Each role gets its home, then menus grouped by what people come to do (publish
demand, work with partners, keep records). The public pages form one "Browse"
menu so that a school's own "Our majors" never sits beside the public "Majors".
Menus are <details> elements in the template: they open by keyboard and by touch
without any script; static/js/app.js only closes the others and handles Escape.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from portal.platform.i18n import lazy_gettext as _l
from portal.platform.roles import Role


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: object
    testid: str = ""


@dataclass(frozen=True)
class Menu:
    key: str
    label: object
    items: tuple[Item, ...]


BROWSE = Menu(
    "browse",
    _l("Browse"),
    (
        Item("public.postings_list", _l("Postings")),
        Item("public.named_class_list", _l("Named classes"), "nav-named-classes"),
        Item("public.internships.listing", _l("Internships"), "nav-internships"),
        Item("public.enterprises_list", _l("Enterprises")),
        Item("public.majors", _l("Majors")),
        Item("public.catalogue_page", _l("Major catalogue"), "nav-catalogue"),
        Item("public.schools", _l("Schools")),
        Item("public.pilots_list", _l("Pilots"), "nav-pilots"),
        Item("training.listing", _l("Training courses"), "nav-training"),  # issue 28
        Item("public.stats", _l("District statistics"), "nav-stats"),
    ),
)

ROLE_MENUS: dict[str, tuple[Menu, ...]] = {
    Role.ENTERPRISE_HR.value: (
        Menu(
            "demand",
            _l("Our demand"),
            (
                Item("enterprise.posting_list", _l("Our postings")),
                Item("enterprise.named_classes.named_class_list", _l("Our named classes")),
                Item("enterprise.apprenticeships.apprenticeship_list", _l("Apprenticeships")),
                Item("enterprise.internships.index", _l("Interns"), "nav-our-internships"),
                Item("enterprise.enterprise_internships.discoverable", _l("Students open to offers")),
            ),
        ),
        Menu(
            "partners",
            _l("Work with schools"),
            (
                Item("enterprise.partnerships.proposal_list", _l("Proposals")),
                Item("enterprise.partnerships.cooperation_list", _l("Cooperations")),
                Item("enterprise.exchange_list", _l("Teacher exchange"), "nav-exchanges"),
                Item("enterprise.training.staff", _l("Staff training"), "nav-training"),  # issue 28
                Item("enterprise.bases.base_list", _l("Training bases"), "nav-bases"),  # issue 28
            ),
        ),
        Menu(
            "organisation",
            _l("Our enterprise"),
            (
                Item("enterprise.membership.members", _l("Members")),
                Item("enterprise.pilot_status", _l("Pilot enterprise")),
                Item("enterprise_reports.index", _l("Yearly report"), "nav-yearly-report"),  # issue 29
                Item("enterprise.api_access.access", _l("API access")),
            ),
        ),
    ),
    Role.SCHOOL_STAFF.value: (
        Menu(
            "records",
            _l("Our school"),
            (
                Item("school.major_list", _l("Our majors")),
                Item("school.teacher_list", _l("Teachers")),
                Item(
                    "school.double_qualified_roadmap", _l("Double-qualified teachers"), "nav-double-qualified"
                ),
                Item("school.need_list", _l("Teaching needs")),
                Item("school.offer_list", _l("Training offers")),
                Item("school.training.runs", _l("Training runs"), "nav-training"),  # issue 28
                Item("school.bases.base_list", _l("Training bases"), "nav-bases"),  # issue 28
                Item("school.membership.members", _l("Staff and students")),
                Item("school.alignment_suggestions", _l("Intake suggestions"), "nav-alignment"),
                Item("school_pathways.pathway_list", _l("Pathways (3+2, 3+4)"), "nav-pathways"),  # issue 29
                Item("school_certificates.overview", _l("1+X certificates"), "nav-certificates"),  # issue 29
                Item("school_groups.group_list", _l("Vocational education groups"), "nav-groups"),  # issue 29
                Item("school.api_access.access", _l("API access")),
            ),
        ),
        Menu(
            "partners",
            _l("Work with enterprises"),
            (
                Item("school.partnerships.proposal_list", _l("Proposals")),
                Item("school.partnerships.cooperation_list", _l("Cooperations")),
                Item("school.named_classes.named_class_list", _l("Our named classes")),
                Item("school.apprenticeships.apprenticeship_list", _l("Apprenticeships")),
                Item("school.internships.index", _l("Students' internships"), "nav-our-internships"),
                Item("school.exchange_list", _l("Teacher exchange"), "nav-exchanges"),
                Item("school.pilot_list", _l("Pilot partnerships")),
            ),
        ),
    ),
    Role.STUDENT.value: (
        Menu(
            "mine",
            _l("My studies"),
            (
                Item("student.applications", _l("My applications")),
                Item("student.apprenticeships.apprenticeship_list", _l("Apprenticeships")),
                Item("student.internships.index", _l("My internships"), "nav-our-internships"),
                Item("student.student_internships.profile", _l("My profile")),
            ),
        ),
    ),
    Role.ADMIN.value: (
        Menu(
            "review",
            _l("To decide"),
            (
                Item("admin.organisation_list", _l("Verification queue")),
                Item("admin.posting_queue", _l("Postings queue")),
                Item("admin.pilot_list", _l("Pilot partnerships")),
                Item("admin.pilot_enterprise_list", _l("Pilot enterprises")),
            ),
        ),
        Menu(
            "oversight",
            _l("Oversight"),
            (
                Item("admin.dashboard", _l("Dashboard"), "nav-dashboard"),
                Item("admin.alignment_overview", _l("Majors against demand"), "nav-alignment"),
                Item("admin.proposal_overview", _l("Proposals")),
                Item("admin.user_list", _l("Accounts")),
                Item("admin.rule_settings_page", _l("Rule settings")),
                Item(
                    "admin_certificates.catalogue", _l("Skill-level certificates"), "nav-certificates"
                ),  # issue 29
                Item(
                    "admin_reports.publication_list",
                    _l("Enterprises' yearly reports"),
                    "nav-enterprise-reports",
                ),
                Item("admin.audit_log", _l("Audit log")),
                Item("admin.training.centres", _l("Community education centres"), "nav-centres"),  # issue 28
                Item("admin.api_access.access", _l("API access")),
            ),
        ),
    ),
}

# Each role's home link, first in its row.
HOMES: dict[str, Item] = {
    Role.ENTERPRISE_HR.value: Item("enterprise.home", _l("My enterprise"), "nav-home"),
    Role.SCHOOL_STAFF.value: Item("school.home", _l("My school"), "nav-home"),
    Role.STUDENT.value: Item("student.home", _l("My page"), "nav-home"),
    Role.ADMIN.value: Item("admin.home", _l("Administration"), "nav-home"),
}


@dataclass(frozen=True)
class Link:
    url: str
    label: object
    testid: str
    current: bool


@dataclass(frozen=True)
class RenderedMenu:
    key: str
    label: object
    links: tuple[Link, ...]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def _is_current(url: str) -> bool:
    path = request.path
    return path == url or (url.rstrip("/") != "" and path.startswith(url.rstrip("/") + "/"))


def _url(endpoint: str) -> str:
    """A menu item's URL, built once per app and mount point (a page's menus hold some thirty:
    building them on every request was part of the base cost of a page, issue 31)."""
    urls = current_app.extensions.setdefault("navigation_urls", {})
    key = (endpoint, request.script_root)
    if key not in urls:
        urls[key] = url_for(endpoint)
    return urls[key]


def _render(menu: Menu) -> RenderedMenu:
    links = []
    for item in menu.items:
        url = _url(item.endpoint)
        links.append(Link(url, item.label, item.testid, _is_current(url)))
    return RenderedMenu(menu.key, menu.label, tuple(links))


def menus_for(user) -> dict:
    """The home link and the menus of this user's role, the public menu last."""
    role = user.role if user.is_authenticated else None
    home = None
    if role in HOMES:
        item = HOMES[role]
        url = _url(item.endpoint)
        home = Link(url, item.label, item.testid, request.path == url)
    menus = [_render(menu) for menu in ROLE_MENUS.get(role, ())]
    menus.append(_render(BROWSE))
    return {"home": home, "menus": menus}


def all_menus() -> dict[str, tuple[Menu, ...]]:
    """Every role's menus (tests check that no label repeats within a role)."""
    return {role: menus + (BROWSE,) for role, menus in ROLE_MENUS.items()}


def navigation() -> dict:
    """The signed-in person's menus, for base.html."""
    return menus_for(current_user)
