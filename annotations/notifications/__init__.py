"""Notifications: hearing that someone answered, mentioned you, or acted on your post.

- `models.py`: `Notification` (one per recipient and event), `Follow` (a member follows a
  paragraph), `MailChoice` (a member's e-mail choices per group), `PaperVisit` (when a member
  last opened a paper: the workspace marks what is new since).
- `shown.py`: the one rule of which notifications a recipient sees, asked on every surface (the
  bell, the page, the API, each mail and digest): never text they may not see now.
- `services.py`: who is told of what (a post written, a post moderated, a paper added, a member
  joined through an invite), reading and following.
- `api.py`, `serializers.py`, `views.py`: the API and the pages.
- `mentions.py`: reading `@username` in a note or comment, and linking it (docs/notifications.md).
- `mail.py`, `tasks.py`: e-mail, sent in the background, retried; digests; unsubscribe links.
- `choices.py`, `forms.py`: each member's e-mail choices per group (the account page's section
  in `mail_views.py`, with the unsubscribe page, through papers' MARGINALIA_ACCOUNT_MAIL hook).
"""
