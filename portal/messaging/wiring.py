"""Messaging (issue 30): phone numbers and SMS codes, channels, outgoing messages as jobs.

`init_app` registers the blueprint, the notifications hook, the notification page's helper and
the CLI commands; portal/__init__.py calls it.
"""

from __future__ import annotations

import click
from flask import Flask
from flask_login import current_user

from portal.accounts import views as account_views
from portal.extensions import db
from portal.messaging import codes, sending, services
from portal.messaging.phones import contact_number, display, masked
from portal.messaging.views import bp
from portal.notifications import services as notifications


def init_app(app: Flask) -> None:
    account_views.register_phone_verification(codes.issue)
    app.register_blueprint(bp)
    if services.deliver not in notifications.DELIVERY_HOOKS:
        notifications.DELIVERY_HOOKS.append(services.deliver)
    app.jinja_env.globals.update(
        sent_where=services.sent_where,
        contact_number=lambda owner: contact_number(current_user._get_current_object(), owner),
    )
    app.jinja_env.filters.update(phone=display, phone_masked=masked)

    @app.cli.command("send-messages")
    def send_messages_command() -> None:
        """Send the outgoing messages that are due (retries included); for cron, every minute."""
        tally = sending.send_due(wait=False)
        click.echo(f"{tally['sent']} sent, {tally['attempts']} attempts")

    @app.cli.command("offer-reminders")
    def offer_reminders_command() -> None:
        """Remind by SMS each student whose internship offer is unanswered (once a day)."""
        count = services.remind_open_offers()
        db.session.commit()
        click.echo(f"{count} reminders queued")

    @app.cli.command("send-digests")
    def send_digests_command() -> None:
        """The daily e-mail digests of yesterday's notifications."""
        count = services.send_digests()
        db.session.commit()
        click.echo(f"{count} digests queued")
