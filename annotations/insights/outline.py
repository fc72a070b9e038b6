"""The argument map page's context (to be written)."""


def argument_page(request, paper) -> dict:
    raise NotImplementedError
