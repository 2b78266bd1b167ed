"""Public directory: majors and schools, searchable by anyone (no login)."""

from __future__ import annotations

from flask import render_template, request

from portal.platform import checks, vocab
from portal.platform.routing import Routes
from portal.platform.web import download, listing
from portal.platform.workbooks import write_csv
from portal.programs import catalogue, directory
from portal.programs.sheets import TARGET_GROUP_LABELS

routes = Routes("public")


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return checks.page_number(raw)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return checks.whole_number(raw)


@routes.get("/majors")
def majors():
    query = directory.MajorQuery(
        q=request.args.get("q", "").strip()[: checks.QUERY_MAX],
        school_id=_int_arg("school"),
        town=request.args.get("town", ""),
        certificate=request.args.get("certificate", "").strip()[: checks.QUERY_MAX],
        sort=request.args.get("sort", "relevance")
        if request.args.get("sort") in directory.MAJOR_SORTS
        else "relevance",
        page=_page_arg(),
    )
    return listing(
        "programs/public/majors.html",
        query,
        directory.search_majors,
        schools=directory.public_schools(),
        towns=vocab.TOWNS,
    )


@routes.get("/majors/<int:program_id>")
def major(program_id: int):
    program = directory.get_public_major(program_id)
    return render_template(
        "programs/public/major.html",
        program=program,
        entry=catalogue.entry_for_code(program.code or ""),
        has_knowledge=directory.matcher_knows(program),
    )


def _catalogue_query() -> directory.CatalogueQuery:
    return directory.catalogue_query(
        checks.search_text(request.args.get("q", "")),
        request.args.get("level", ""),
        request.args.get("category", ""),
        request.args.get("class", ""),
        _page_arg(),
    )


@routes.get("/catalogue")
def catalogue_page():
    return listing(
        "programs/public/catalogue.html",
        _catalogue_query(),
        directory.search_catalogue,
        catalogue=catalogue.catalogue(),
        levels=catalogue.LEVELS,
        aliases_of=catalogue.aliases_of,
    )


@routes.get("/catalogue.csv")
def catalogue_csv():
    """Every entry the filters select (not one page), as in the annex, with the old names."""
    query = _catalogue_query()
    found = directory.search_catalogue(query, per_page=len(catalogue.entries())).items
    return download(
        write_csv(catalogue.catalogue_sheet(found)),
        "major-catalogue-2021.csv",
        private=False,
    )


@routes.get("/schools")
def schools():
    query = directory.SchoolQuery(
        q=request.args.get("q", "").strip()[: checks.QUERY_MAX],
        kind=request.args.get("kind", ""),
        town=request.args.get("town", ""),
        sort=request.args.get("sort", "name")
        if request.args.get("sort") in directory.SCHOOL_SORTS
        else "name",
        page=_page_arg(),
    )
    results = directory.search_schools(query)
    return render_template(
        "programs/public/schools.html",
        query=query,
        results=results,
        towns=vocab.TOWNS,
        kinds=vocab.SCHOOL_KINDS,
        major_counts=directory.major_counts([s.id for s in results.items]),
    )


@routes.get("/schools/<int:school_id>")
def school(school_id: int):
    return render_template(
        "programs/public/school.html",
        profile=directory.school_profile(school_id),
        target_groups=TARGET_GROUP_LABELS,
    )
