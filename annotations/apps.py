from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations and exports"

    def ready(self) -> None:
        # papers does not import annotations: it says when a paper's text was written, and
        # the search index follows (annotations.search.index).
        from papers.signals import paper_text_saved

        from .search.receivers import paper_text_saved_received

        paper_text_saved.connect(paper_text_saved_received, dispatch_uid="search-paper-index")
