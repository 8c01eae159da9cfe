from pamtalk.db.database import Database, make_base, schema_metadata

__all__ = ["Database", "make_base", "schema_metadata"]
