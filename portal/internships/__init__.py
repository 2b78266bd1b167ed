"""岗位实习 (internships) and student profiles: the feature students, enterprises and schools use,
in one package. `bp` is nested in the enterprise, school and student areas, `profile_bp` in the
student area, `students_bp` in the enterprise area, `public_bp` in the public one."""
from portal.internships.views import bp, profile_bp, public_bp, students_bp

__all__ = ["bp", "profile_bp", "public_bp", "students_bp"]
