from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations and exports"

    def ready(self) -> None:
        # The receivers for papers' ban signals (hide a banned member's posts when the group
        # chose so).
        from .moderation import services  # noqa: F401
