"""The audit log: one entry per state change, its coded reasons, the administrators' audit page."""
