"""compose.yaml is valid (Debian's docker-compose, offline) and matches the route table; the
Dockerfiles are multi-stage, slim, non-root, healthchecked and install only their service."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from gateway.routes import GATEWAY_PORT, SERVICES
from k8s.config import EXTRAS, ROOT
from tests.k8s.tools import require_tool

COMPOSE = ROOT / "compose.yaml"
NAMES = [svc.name for svc in SERVICES]


@pytest.fixture(scope="module")
def resolved() -> dict:
    """The compose file as docker-compose itself reads it (variables resolved)."""
    tool = require_tool("docker-compose", "docker-compose")
    cmd = [tool, "-f", str(COMPOSE), "--project-directory", str(ROOT), "config"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def test_compose_has_the_whole_stack(resolved: dict) -> None:
    services = resolved["services"]
    expected = {"postgres", "redis", "rabbitmq", "gateway", "prometheus", "grafana", "jaeger"}
    expected |= set(NAMES) | {f"{n}-migrate" for n in NAMES}
    assert expected <= set(services)


def test_every_service_and_port_matches_the_route_table(resolved: dict) -> None:
    services = resolved["services"]
    for svc in SERVICES:
        app = services[svc.name]
        assert app["expose"] == ["8000"]
        assert app["deploy"]["replicas"] == svc.replicas
        assert app["build"]["dockerfile"] == f"services/{svc.name}/Dockerfile"
        assert app["depends_on"][f"{svc.name}-migrate"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(app["healthcheck"]["test"])
        assert "ports" not in app  # only the gateway is published
        migrate = services[f"{svc.name}-migrate"]
        assert migrate["command"] == ["python", "-m", "pamtalk.migrate", svc.name]
    published = [p for p in services["gateway"]["ports"]]
    assert [(int(p["published"]), int(p["target"])) for p in published] == [(GATEWAY_PORT, GATEWAY_PORT)]
    conf = (ROOT / "gateway" / "nginx" / "compose.conf").read_text()
    upstream_hosts = set(re.findall(r"server ([a-z-]+):8000", conf))
    assert upstream_hosts == set(NAMES)


def test_traces_and_dashboard_are_wired(resolved: dict) -> None:
    services = resolved["services"]
    env = services["farm"]["environment"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"
    assert services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    mounts = " ".join(str(v) for v in services["grafana"]["volumes"])
    assert "monitoring/grafana/provisioning" in mounts and "monitoring/grafana/dashboards" in mounts


def test_compose_file_holds_no_secret() -> None:
    text = COMPOSE.read_text()
    assert "PRIVATE_KEY=" not in text and "SIGNING_KEY=" not in text  # passed through, never set


@pytest.mark.parametrize("name", NAMES)
def test_service_dockerfile(name: str) -> None:
    text = (ROOT / "services" / name / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+) AS (\w+)", text, flags=re.M)
    assert [stage for _, stage in froms] == ["build", "runtime"]
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)", text, flags=re.M)
    assert base and "slim" in base.group(1) and re.search(r":\d+\.\d+\.\d+-", base.group(1))
    copies = re.findall(r"^COPY (?:--\S+ )*(\S+)", text, flags=re.M)
    services_copied = {c for c in copies if c.startswith("services/") and c != "services/__init__.py"}
    assert services_copied == {f"services/{name}/"}, "only this service's code"
    extra = EXTRAS.get(name)
    assert f'pip install ".[{extra}]"' in text if extra else 'pip install "."' in text
    assert re.search(r"^USER 10001:10001", text, flags=re.M)
    assert "HEALTHCHECK" in text and "/readyz" in text
    assert f'"services.{name}.app:app"' in text and "WEB_CONCURRENCY" in text


def test_gateway_dockerfile() -> None:
    text = (ROOT / "gateway" / "Dockerfile").read_text()
    assert "render(" in text and "AS render" in text
    assert re.search(r"^USER 101:101", text, flags=re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert re.search(r"^ARG NGINX_IMAGE=nginx:\d+\.\d+\.\d+", text, flags=re.M)
