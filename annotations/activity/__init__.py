"""A group's recent activity: papers, annotations and comments, newest first (feed.py), on the
group page (page.py, through MARGINALIA_GROUP_ACTIVITY), in the API (api.py), and one member's
on their page in the group (members.py: what an @mention links to)."""
