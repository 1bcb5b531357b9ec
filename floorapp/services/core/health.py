"""What the health check reports: the database backend and the migration revision."""

from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import DBAPIError

from floorapp.extensions import db


class DatabaseUnavailable(Exception):
    """The database could not be reached or queried."""


def database_status() -> dict[str, str | None]:
    """Return the backend's name and the applied migration revision.

    Raises DatabaseUnavailable when the database cannot answer.
    """
    backend = db.engine.dialect.name
    try:
        with db.engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as error:
        raise DatabaseUnavailable(f"{backend} is unreachable") from error
    return {"backend": backend, "revision": revision}
