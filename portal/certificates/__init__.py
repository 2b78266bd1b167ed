"""职业技能等级证书 (1+X): the catalogue administrators keep (`admin_bp`), the schools' pilot and
exam-site roles, sessions and results (`school_bp`); a student's profile lists the certificates
their school recorded as passed; pass rates on the dashboard; the matcher's evidence."""
