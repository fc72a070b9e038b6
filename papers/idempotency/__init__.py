"""`Idempotency-Key` on the API's POSTs: the same user sending the same key with the same request
within 24 hours gets the first answer again instead of a second row (docs/api.md).

- `fingerprint.py`: what makes two requests "the same" (method, path, data, files' contents).
- `services.py`: the records (papers.models.IdempotencyKey): claim a key, keep its answer,
  release it, forget old ones.
- `api.py`: `IdempotentPosts`, the DRF mixin every API viewset inherits through
  `papers.api.base.APIv1Settings`; no view has code of its own for it.
"""
