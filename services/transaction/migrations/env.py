from pamtalk.db.migrations import run_env
from services.transaction.models import Base

run_env(Base.metadata)
