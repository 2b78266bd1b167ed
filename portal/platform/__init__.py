"""The platform's plumbing, below every domain: web helpers, locking, jobs, cache, checks,
search, events, routing, security, i18n (README, Layout)."""
