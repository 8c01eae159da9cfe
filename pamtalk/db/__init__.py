from pamtalk.db.database import Database
from pamtalk.db.schema import schema_metadata

__all__ = ["Database", "schema_metadata"]
