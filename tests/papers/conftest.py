import pytest

from tests.conftest import make_group

from .makers import make_paper


@pytest.fixture
def public_group(db):
    return make_group("Agora", visibility="public")


@pytest.fixture
def public_paper(public_group):
    return make_paper(public_group, title="A Public Paper")
