from pamtalk.db.database import Database, make_base

__all__ = ["Database", "make_base"]
