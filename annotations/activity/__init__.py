"""A group's recent activity: papers, annotations and comments, newest first (feed.py), on the
group page (page.py, through MARGINALIA_GROUP_ACTIVITY) and in the API (api.py)."""
