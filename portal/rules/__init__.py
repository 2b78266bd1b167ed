"""Rules as written: each rule the platform applies, with its source and article, beside the check."""
