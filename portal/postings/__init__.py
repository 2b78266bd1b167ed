"""Enterprise demand postings: drafts, publication, moderation, the public search, the HR spreadsheet."""
