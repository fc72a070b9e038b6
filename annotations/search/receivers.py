"""The index follows papers' writes (papers.signals): the one place search listens to them."""

from .index import paper_index


def paper_text_saved_received(sender, *, paper, **kwargs) -> None:
    paper_index(paper)
