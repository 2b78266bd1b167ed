"""Two-way exchange (双向交流): enterprise experts teach part-time, teachers practise in enterprises.

`bp` holds the steps both partners take; each area keeps its own exchange page.
"""
