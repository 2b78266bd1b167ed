"""Planning: supply against demand by major (alignment) and the road to 70 % double-qualified teachers."""
