"""Organisations: enterprises and schools, their verification and the approval of their members."""
