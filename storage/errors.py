"""Which database errors are an outage (try again later) and which are bad data (try again is useless)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# PostgreSQL SQLSTATE classes and codes that mean "the server is away or busy", not "this row is wrong".
OUTAGE_CLASSES = ("08",)  # connection exceptions
OUTAGE_CODES = {"57P01", "57P02", "57P03", "53300", "40001", "40P01", "55P03", "57014"}
SQLITE_OUTAGE = ("database is locked", "unable to open database", "disk i/o error", "database table is locked")


def is_outage(exc: BaseException) -> bool:
    """True when the database could not be reached or was busy; False for data it refused (too long, NUL,
    out of range), which no retry will fix."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    code = getattr(orig, "sqlstate", None)
    if code:
        return code.startswith(OUTAGE_CLASSES) or code in OUTAGE_CODES
    if type(orig).__module__.startswith("psycopg"):
        # No SQLSTATE: the client failed before the server answered (refused, reset, timed out).
        return type(orig).__name__ in {"OperationalError", "InterfaceError"}
    return any(m in str(orig).lower() for m in SQLITE_OUTAGE)
