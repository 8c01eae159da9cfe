from pamtalk.db.migrations import run_env
from services.farm.models import Base

run_env(Base.metadata)
