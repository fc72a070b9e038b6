"""Bulk writes that keep the file's timestamps.

`auto_now_add`/`auto_now` fields are set to the moment of the insert by `bulk_create` itself, so
the file's values are put back afterwards with `bulk_update` (which writes what it is given).
A row whose file carried no timestamp keeps the moment of the import.
"""

BATCH = 1000


def insert(model, objs: list) -> list:
    """`bulk_create` in batches; the objects get their primary keys."""
    if objs:
        model.objects.bulk_create(objs, batch_size=BATCH)
    return objs


def restore(model, objs: list, values: list[dict]) -> None:
    """Set `values[i]` ({field: value}, None meaning "leave it") on each saved object, in one
    UPDATE per batch."""
    changed, fields = [], set()
    for obj, given in zip(objs, values, strict=True):
        kept = {name: value for name, value in given.items() if value is not None}
        for name, value in kept.items():
            setattr(obj, name, value)
        if kept:
            fields.update(kept)
            changed.append(obj)
    if changed:
        model.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)


def create_keeping_times(model, objs: list, times: list[dict]) -> list:
    """Insert `objs` and put back `times[i]` ({"created", "updated"}: datetime or None)."""
    insert(model, objs)
    restore(model, objs, times)
    return objs
