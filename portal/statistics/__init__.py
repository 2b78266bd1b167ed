"""Statistics: where the district stands against its plan (see `services`)."""
