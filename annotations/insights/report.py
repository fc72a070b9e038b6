"""The agreement page's context (to be written)."""


def agreement_page(request, paper) -> dict:
    raise NotImplementedError
