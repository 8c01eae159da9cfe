from pamtalk.db.migrations import run_env
from services.prediction.models import Base

run_env(Base.metadata)
