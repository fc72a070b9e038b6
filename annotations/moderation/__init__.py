"""Moderation: flags, the queue, hide/unhide/approve/reject, bans as moderation asks for them,
the audit log's pages, the navigation's waiting count. `services` holds the rules; `queue` what a
moderator has to look at; `api`, `serializers`, `views`, `forms` and `context_processors` are its
surfaces (docs/moderation.md)."""
