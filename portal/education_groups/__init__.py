"""职业教育集团 (vocational education groups): the lead school records its groups, members, charter
and what members share (`school_bp`); administrators read the groups the dashboard counts
(`admin_bp`)."""
