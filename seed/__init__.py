"""Demo data and the synthetic-data generator; both load through portal.services."""
