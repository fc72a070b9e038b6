"""The papers app's API: `base` (what every viewset of both apps shares), `papers` (papers
and their structure), `groups` (groups, members, invites)."""
