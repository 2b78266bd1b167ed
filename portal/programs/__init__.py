"""Programs: majors, teachers, teaching needs and training offers, the catalogue, the directory."""
