"""Public pages: named classes (冠名班/订单班), with shareable filter URLs.

`/named-classes?industry=equipment&benefit=scholarship&page=2`
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from portal.named_classes import services as named_classes
from portal.named_classes.models import BENEFITS
from portal.named_classes.student_forms import ApplicationForm
from portal.platform import checks, vocab
from portal.platform.routing import Routes
from portal.platform.web import listing

routes = Routes("public")


@routes.get("/named-classes")
def named_class_list():
    return listing(
        "named_classes/public/named_classes.html",
        named_classes.NamedClassQuery.from_args(request.args),
        named_classes.search_named_classes,
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
