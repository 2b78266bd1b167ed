"""职业教育集团 (vocational education groups): the lead school records its groups, members, charter
and what members share (`school_bp`); administrators read the groups the dashboard counts
(`admin_bp`)."""

from portal.education_groups.views import admin_bp, school_bp

__all__ = ["admin_bp", "school_bp"]
