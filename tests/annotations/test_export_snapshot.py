"""An export reads one snapshot on PostgreSQL (annotations.exports.files.one_snapshot)."""

import pytest
from django.db import connection

from annotations.exports.files import export_bytes


def _chunks():
    yield "head|"
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        yield cursor.fetchone()[0] + "|"
        cursor.execute("SHOW transaction_read_only")
        yield cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_an_export_reads_one_read_only_snapshot_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's snapshot: SQLite exports read as they are (export_files)")
    assert b"".join(export_bytes(_chunks())) == b"head|repeatable read|on"
    # The transaction ended with the export: the connection is back in autocommit.
    assert connection.get_autocommit() and not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_an_export_left_half_read_ends_its_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's snapshot: SQLite exports read as they are (export_files)")
    stream = export_bytes(_chunks())
    assert next(stream) == b"head|"
    next(stream)  # inside the snapshot now
    stream.close()  # a client that went away
    assert connection.get_autocommit() and not connection.in_atomic_block
