"""Accounts around django-allauth: what allauth does not do for us.

- `services.py`: a new user's setup (the private "My papers" group) and the API token (show,
  regenerate).
- `adapter.py`: allauth's account adapter; sign-up calls `account_setup`.
- `views.py`, `urls.py`: the account page at /accounts/ and the token's regeneration.
- `api.py`: `POST /api/v1/auth/token/`, throttled, with allauth's failed-login limits.

Sign-up, login, logout, e-mail confirmation and password reset are allauth's own views (URLs
under /accounts/, templates in templates/account/).
"""
