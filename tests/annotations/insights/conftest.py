"""The insights' tests share one scene (scene.py): `world`."""

import pytest

from tests.annotations.insights.scene import scene


@pytest.fixture
def world(paper, owner, member):
    """The cast's paper read by olive, amina and ravi, differently on one paragraph."""
    return scene(paper, owner, member)
