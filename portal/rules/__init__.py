"""Rules as written: each rule a regulation imposes, with its source and article beside the check.

One module per area (internships). A rule names where it comes from (`Rule.source`, `Rule.article`)
and refuses with a message that says the article; the README's rules table lists the same rules
with where each is checked and which test proves it. Pure: imports only the i18n helper, so
services, forms and pages all read the same rule.
"""
