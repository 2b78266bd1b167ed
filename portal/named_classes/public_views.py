"""Public pages: named classes (冠名班/订单班), with shareable filter URLs.

`/named-classes?industry=equipment&benefit=scholarship&page=2`
"""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from portal.named_classes import services as named_classes
from portal.named_classes.models import BENEFITS
from portal.named_classes.student_forms import ApplicationForm
from portal.platform import cache, checks, vocab
from portal.platform.routing import Routes
from portal.platform.web import listing

routes = Routes("public")


@routes.get("/named-classes")
def named_class_list():
    return listing(
        "named_classes/public/named_classes.html",
        named_classes.NamedClassQuery.from_args(request.args),
        named_classes.search_class_cards,
        options=named_classes.filter_options(),
        industries=vocab.INDUSTRIES,
        benefits=BENEFITS,
        today=checks.district_today(),
    )


@routes.get("/named-classes/<int:class_id>")
def named_class_detail(class_id: int):
    return class_page(class_id, ApplicationForm())


def class_page(class_id: int, form: ApplicationForm) -> str:
    """A named class's page, with the application form (also a student's refused application)."""
    named_class = named_classes.get_public_class(class_id)
    return render_template(
        "named_classes/public/named_class.html",
        named_class=named_class,
        benefits=BENEFITS,
        state=named_classes.apply_state(current_user, named_class),
        form=form,
        today=checks.district_today(),
    )


def class_card(card: named_classes.ClassCard, today: date) -> Markup:
    """A class's card, rendered once per process for the values it shows, the day and the language
    (as the postings' cards, issue 31)."""
    return cache.fragment(
        ("class_card", card, today),
        lambda: render_template(
            "named_classes/public/_class_card.html", c=card, today=today, benefits=BENEFITS
        ),
    )
