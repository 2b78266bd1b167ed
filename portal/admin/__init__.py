"""Administrators' area: `bp`."""

from portal.admin.views import bp
from portal.labour_market.views import admin_bp as labour_market_bp

bp.register_blueprint(labour_market_bp)  # /admin/labour-market: figures the suggestions weigh in

__all__ = ["bp"]
