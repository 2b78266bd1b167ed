"""岗位实习 (internships): the feature both partners and the student use, in one package."""
from portal.internships.views import bp, public_bp

__all__ = ["bp", "public_bp"]
