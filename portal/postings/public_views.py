"""Public pages: demand postings and the enterprise directory.

Stable, shareable URLs: every filter is a query parameter (`/postings?q=焊接&kind=internship&page=2`).
"""

from __future__ import annotations

from dataclasses import replace

from flask import render_template, request
from markupsafe import Markup

from portal.platform import cache, checks, vocab
from portal.platform.i18n import current_locale
from portal.platform.routing import Routes
from portal.platform.web import listing
from portal.postings import enterprises
from portal.postings import services as postings
from portal.postings.models import DETAIL_FIELDS, HEADCOUNT_LABELS, PostingKind

routes = Routes("public")


@routes.get("/postings")
def postings_list():
    query = postings.PostingQuery.from_args(request.args)

    def render() -> str:
        results = postings.search_posting_cards(query)
        return render_template(
            "postings/public/_postings_content.html",
            query=query,
            filters=_filters(replace(query, page=1)),
            results=results,
            nearest=postings.nearest_searches(query) if not results.total else [],
            kinds=PostingKind.labels(),
            industries=vocab.INDUSTRIES,
        )

    # The same for everyone asking the same question today, in the same language.
    key = ("postings", current_locale(), checks.district_today().isoformat(), query)
    return render_template("postings/public/postings.html", content=Markup(cache.cached(key, render)))


@routes.get("/postings/<int:posting_id>")
def posting_detail(posting_id: int):
    posting = postings.get_public_posting(posting_id)
    return render_template(
        "postings/public/posting.html",
        posting=posting,
        today=checks.district_today(),
        kinds=PostingKind.labels(),
        fields=DETAIL_FIELDS[posting.kind],
        headcount_label=HEADCOUNT_LABELS[posting.kind],
    )


@routes.get("/enterprises")
def enterprises_list():
    return listing(
        "postings/public/enterprises.html",
        enterprises.EnterpriseQuery.from_args(request.args),
        enterprises.search_enterprises,
        industries=vocab.INDUSTRIES,
        towns=vocab.TOWNS,
    )


@routes.get("/enterprises/<int:enterprise_id>")
def enterprise_detail(enterprise_id: int):
    org = enterprises.get_public_enterprise(enterprise_id)
    return render_template(
        "postings/public/enterprise.html",
        org=org,
        postings=postings.open_posting_cards(org.id),
        kinds=PostingKind.labels(),
    )


def _filters(query: postings.PostingQuery) -> Markup:
    """The filter bar, the same on every page of a search: kept like a card (its selects of kinds,
    industries and towns cost as much as the rest of the page's content, issue 31)."""
    return cache.fragment(
        ("posting_filters", query),
        lambda: render_template(
            "postings/public/_postings_filters.html",
            query=query,
            kinds=PostingKind.labels(),
            industries=vocab.INDUSTRIES,
            towns=vocab.TOWNS,
        ),
    )


def posting_card(card: postings.PostingCard) -> Markup:
    """A posting's card, rendered once per process for the values it shows and the language
    (twenty cards were a third of a list page's cost, issue 31)."""
    return cache.fragment(
        ("posting_card", card),
        lambda: render_template("postings/public/_posting_card.html", p=card, kinds=PostingKind.labels()),
    )
