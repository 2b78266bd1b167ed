"""Labour-market figures (人社 vacancy statistics by occupation), entered by administrators with
their source, so that the intake suggestions weigh more than the platform's own postings."""
