"""Moderation: flags, the queue, hide/unhide/approve/reject, bans as moderation asks for them,
the audit log's pages, the navigation's waiting count. `services` holds the rules; `bans` what a
ban does to a member's posts (called by papers.groups' one ban service through the setting
`MARGINALIA_BAN_CONSEQUENCES`) and the author of a post as the member to ban; `queue` what a
moderator has to look at; `api`, `serializers`, `views`, `forms` and `context_processors` are its
surfaces (docs/moderation.md)."""
