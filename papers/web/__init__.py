"""The web tier's own concerns, apart from reading groups and papers: the health check
(`healthz`), database outages answered with 503 (`outage`) and the pages that relax the site's
Content-Security-Policy for themselves (`csp`). They live in `papers`, the app every other one
builds on (as the API's base class and the accounts do), rather than in an app of their own:
three small modules without models did not seem worth a new app (docs/architecture.md)."""
