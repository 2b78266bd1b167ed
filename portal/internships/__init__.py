"""岗位实习 (internships) and student profiles: the feature students, enterprises and schools use,
in one package. `views.bp` (placements, agreements, timelines, profiles as read by others) is nested in
the enterprise, school and student areas; `student_views.student_bp` (applying, one's own profile) in
the student area; `enterprise_views.enterprise_bp` (students open to offers) in the enterprise area;
`public_views.public_bp` in the public one.
Each area's role guard runs before them."""
