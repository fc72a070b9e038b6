"""What papers tells the apps built on it, which it does not import (docs/architecture.md).

`paper_text_saved(sender=Paper, paper=…)`: a paper's title, authors, abstract or paragraphs were
written (papers.saving.paper_save, papers.services.paper_rename), sent inside the writer's
transaction so that the index commits or rolls back with the text. annotations.search keeps its
index from it.
"""

from django.dispatch import Signal

paper_text_saved = Signal()
