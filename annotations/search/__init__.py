"""Search (issue 14, docs/search.md): `index` writes the entries, `query` parses a query and
searches what a user may see, `api` and `views` serve it."""
