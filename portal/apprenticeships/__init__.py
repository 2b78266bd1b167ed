"""Modern apprenticeships (现代学徒制): one package, a blueprint for each partner.

The school keeps programmes and places and runs the allocation (`school.bp`), the enterprise
keeps its places and mentors and ranks applicants (`enterprise.bp`), the student ranks places
and reads the result (`student.bp`); each is nested in its area, whose role guard runs first.
The rules live in `portal.apprenticeships.services`.
"""
