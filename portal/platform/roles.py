"""The roles a user acts in. Below every domain: the platform's role guard and its jobs' access
check read them, and `portal.accounts.models.User.role` holds one."""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    ENTERPRISE_HR = "enterprise_hr"
    SCHOOL_STAFF = "school_staff"
    STUDENT = "student"
    ADMIN = "admin"
