from pamtalk.db.migrations import run_env
from services.blockchain.models import Base

run_env(Base.metadata)
