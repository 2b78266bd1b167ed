"""Rules as written: each rule a regulation imposes, with its source and article beside the check.

One module per area (internships, part_time, pilots, double_qualified, apprenticeships) and the rule
settings an administrator keeps where no confirmed source fixes a value (settings). A rule names where
it comes from and refuses with a message that says the article; the README's rules tables list the
same rules with where each is checked and which test proves it.
"""
