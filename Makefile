# PAM-TALK - two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv run test lint fmt migrate up down status gateway openapi sdk train train-platform load drill dlq clean \
	images up-containers down-containers status-containers

help:
	@echo "make run      start the whole platform in one process on http://localhost:8000 (embedded)"
	@echo "make test     set up and run every test (lint of imports included)"
	@echo "make lint     ruff, ruff format --check, mypy, import-linter"
	@echo "make up/down  distributed mode: one process per service, nginx on :8080, real PostgreSQL/Redis/RabbitMQ"
	@echo "make images   build every image with podman, tagged with the git commit (bases: registry or local)"
	@echo "make up-containers / down-containers  the platform from those images: k8s/overlays/local"
	@echo "               played by podman kube play, gateway on :8080, this machine's PostgreSQL/Redis/RabbitMQ"
	@echo "make migrate  apply every service's migrations (PAMTALK_DATABASE_URL)"
	@echo "make gateway  regenerate the nginx configurations from gateway/routes.py"
	@echo "make openapi  regenerate openapi/pamtalk.json, the platform's one OpenAPI document"
	@echo "make sdk      regenerate the partner SDK (sdk/python) from it with openapi-python-client"
	@echo "make train    retrain the demand and anomaly models (ONNX) and print the backtest"
	@echo "make train-platform  retrain from the platform's own trade history (its read replica, else the primary)"
	@echo "make load     run the load-test tool (ARGS='--scenario=normal ...')"
	@echo "make drill    fault drill: normal load while PostgreSQL and Redis restart and RabbitMQ is away 30 s"
	@echo "make dlq      list dead-lettered events (ARGS='replay --queue Q --all')"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[embedded,ml,chain,load,dev]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m gateway.embedded

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy pamtalk services gateway containers
	$(VENV)/bin/lint-imports

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(STAMP)
	$(PY) -m pamtalk.migrate all

# PAMTALK_DATA_TIER=own: the project's own PostgreSQL primary, standby and farm shard 2
# (gateway/datatier.py); PAMTALK_DATA_TIER=external make up uses PAMTALK_DATABASE_URL's server.
up: $(STAMP)
	PAMTALK_DATA_TIER=$${PAMTALK_DATA_TIER-own} $(PY) -m gateway.launcher up

down:
	@test -x $(PY) && PAMTALK_DATA_TIER=$${PAMTALK_DATA_TIER-own} $(PY) -m gateway.launcher down || true

status: $(STAMP)
	$(PY) -m gateway.launcher status

gateway: $(STAMP)
	$(PY) -m gateway.render --write

openapi: $(STAMP)
	$(PY) -m gateway.openapi --write

sdk: openapi
	$(PY) -m gateway.sdk

train: $(STAMP)
	$(PY) -m services.prediction.ml.train $(ARGS)

train-platform: $(STAMP)
	$(PY) -m services.prediction.ml.train --from-platform "$$($(PY) -m services.prediction.ml.analytics_url)" $(ARGS)

load: $(STAMP)
	$(PY) loadtests/performance_test.py $(ARGS)

drill: $(STAMP)
	$(PY) -m loadtests.faults $(ARGS)

dlq: $(STAMP)
	$(PY) -m pamtalk.bus.dlq $(or $(ARGS),list)

images: $(STAMP)
	$(PY) -m containers.images

up-containers: images
	$(PY) -m containers.stack up

down-containers: $(STAMP)
	$(PY) -m containers.stack down

status-containers: $(STAMP)
	$(PY) -m containers.stack status

clean:
	rm -rf .run .data .pytest_cache .mypy_cache .ruff_cache
