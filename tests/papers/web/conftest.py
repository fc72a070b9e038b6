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
def database_switch(transactional_db, outage):
    """`.down()` makes the database unreachable, for real: the connections of the live server
    (if any) cut (PostgreSQL), this one closed, and the settings pointed at a port nothing listens
    on (PostgreSQL) or a file that cannot be opened (SQLite), so that the next query fails to
    connect with the driver's own OperationalError. `.up()` brings it back, and so does the end
    of the test, before the database is flushed."""
    settings = connection.settings_dict  # shared by every thread's connection
    saved = {key: settings[key] for key in ("NAME", "HOST", "PORT")}

    class Switch:
        def down(self):
            if connection.vendor == "postgresql":
                # As a restart does: the server closes the live server's open connections (this
                # worker's test database only).
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            connection.close()
            if connection.vendor == "postgresql":
                settings.update(HOST="127.0.0.1", PORT="9")  # discard: nothing listens
            else:
                settings.update(NAME="/nonexistent/marginalia/db.sqlite3")

        def up(self):
            connection.close()
            settings.update(saved)

    switch = Switch()
    yield switch
    switch.up()


@pytest.fixture
def database_down(database_switch):
    """The database unreachable from the start of the test (`database_switch`)."""
    database_switch.down()
    return database_switch
