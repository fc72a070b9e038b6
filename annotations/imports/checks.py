"""Reading a decoded JSON file field by field: each reader checks a type and, when the value is
wrong, raises ImportRefused naming the field by its path (`papers[0].annotations[12].paragraph`)
and saying what was expected. No database."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .report import ImportRefused

MISSING = object()


def refuse(path: str, message: str):
    raise ImportRefused(f"{path}: {message}" if path else message)


def at(path: str, key: str | int) -> str:
    """The path of a key (`a.b`) or an index (`a[3]`) below `path`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def obj(value, path: str) -> dict:
    if not isinstance(value, dict):
        refuse(path, f"expected an object, found {_name(value)}")
    return value


def get(row: dict, key: str, path: str, default=MISSING):
    if key in row:
        return row[key]
    if default is MISSING:
        refuse(at(path, key), "is missing")
    return default


def items(row: dict, key: str, path: str, *, required: bool = True) -> list:
    value = get(row, key, path, MISSING if required else [])
    if value is None and not required:
        return []
    if not isinstance(value, list):
        refuse(at(path, key), f"expected a list, found {_name(value)}")
    return value


def integer(
    row: dict,
    key: str,
    path: str,
    *,
    null: bool = False,
    minimum: int | None = 0,
    maximum: int | None = None,
    default=MISSING,
) -> int | None:
    value = get(row, key, path, default)
    if value is None and (null or default is None):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        refuse(at(path, key), f"expected a whole number, found {_name(value)}")
    if minimum is not None and value < minimum:
        refuse(at(path, key), f"{value} is below {minimum}")
    if maximum is not None and value > maximum:
        refuse(at(path, key), f"{value} is above {maximum}")
    return value


def text(
    row: dict,
    key: str,
    path: str,
    *,
    blank: bool = True,
    null: bool = False,
    max_length: int | None = None,
    default=MISSING,
) -> str | None:
    value = get(row, key, path, default)
    if value is None and (null or default is None):
        return None
    if not isinstance(value, str):
        refuse(at(path, key), f"expected text, found {_name(value)}")
    if not blank and not value.strip():
        refuse(at(path, key), "cannot be empty")
    if max_length is not None and len(value) > max_length:
        refuse(at(path, key), f"is {len(value)} characters long; at most {max_length} fit")
    return value


def texts(row: dict, key: str, path: str) -> list[str]:
    """A list of strings (authors, keywords); missing is empty."""
    value = items(row, key, path, required=False)
    for index, entry in enumerate(value):
        if not isinstance(entry, str):
            refuse(at(at(path, key), index), f"expected text, found {_name(entry)}")
    return value


def choice(row: dict, key: str, path: str, choices, default=MISSING) -> str:
    value = get(row, key, path, default)
    if value not in choices:
        refuse(at(path, key), f"{value!r} is not one of: {', '.join(choices)}")
    return value


def moment(row: dict, key: str, path: str, *, default=MISSING) -> datetime | None:
    """An ISO 8601 date and time; one without a zone is taken as UTC."""
    value = get(row, key, path, default)
    if value is None:
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed, but no such moment (month 13)
        parsed = None
    if parsed is None:
        refuse(at(path, key), f"expected an ISO 8601 date and time, found {value!r}")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed
