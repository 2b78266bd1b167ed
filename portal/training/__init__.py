"""育训并举 (issue 28): training runs, trainees, community centres, shared training bases."""
