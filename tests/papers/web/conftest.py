import pytest
from django.db import connection

from papers.web import outage as outage_module


@pytest.fixture
def outage():
    """This process's outage state, fresh for the test and forgotten after it."""
    fresh = outage_module.Outage()
    original = outage_module.outage
    outage_module.outage = fresh
    # healthz imported the name: it must see the same object.
    from papers.web import healthz

    healthz.outage = fresh
    yield fresh
    outage_module.outage = healthz.outage = original


@pytest.fixture
def database_down(transactional_db, outage):
    """The database unreachable, for real: the connection closed and its settings pointed at a
    port nothing listens on (PostgreSQL) or a file that cannot be opened (SQLite), so that the
    next query fails to connect with the driver's own OperationalError. `database_down.up()`
    brings it back (and so does the end of the test, before the database is flushed)."""
    settings = connection.settings_dict
    saved = {key: settings[key] for key in ("NAME", "HOST", "PORT")}

    class Switch:
        def down(self):
            connection.close()
            if connection.vendor == "postgresql":
                settings.update(HOST="127.0.0.1", PORT="9")  # discard: nothing listens
            else:
                settings.update(NAME="/nonexistent/marginalia/db.sqlite3")

        def up(self):
            connection.close()
            settings.update(saved)

    switch = Switch()
    switch.down()
    yield switch
    switch.up()
