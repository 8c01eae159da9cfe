"""The nginx configuration is generated from the route table, and the checked-in files match."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from gateway import render as gw_render
from gateway.docs_page import NGINX_TOKEN_LIMIT, docs_csp, docs_html
from gateway.options import GatewayOptions
from gateway.render import HOST_NETWORK, TARGETS, render
from gateway.routes import ROUTES, SERVICES
from tests.services_available import require_nginx


def test_checked_in_files_match_the_route_table() -> None:
    for target in TARGETS:
        path = gw_render.OUT_DIR / f"{target}.conf"
        assert path.read_text() == render(target), f"{path} is stale: run `python -m gateway.render --write`"
    assert gw_render.main(["--check"]) == 0


def test_check_fails_on_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gw_render.main(["--write", "--dir", str(tmp_path)]) == 0
    assert gw_render.main(["--check", "--dir", str(tmp_path)]) == 0
    conf = tmp_path / "k8s.conf"
    conf.write_text(conf.read_text().replace("limit_req_status 429", "limit_req_status 503"))
    assert gw_render.main(["--check", "--dir", str(tmp_path)]) == 1
    assert "k8s.conf" in capsys.readouterr().err


def test_every_route_and_replica_is_in_the_local_config() -> None:
    conf = render("local")
    for route in ROUTES:
        block = conf.split(f"location ^~ {route.prefix} {{", 1)[1].split("\n        }", 1)[0]
        assert f"proxy_pass http://{route.service};" in block
        assert f"limit_req zone={route.rate_zone} " in block
        assert ("proxy_cache edge;" in block) == route.edge_cache
        assert ("proxy_buffering off;" in block) == route.stream
    for svc in SERVICES:
        for port in svc.ports:
            assert f"server 127.0.0.1:{port} " in conf
    assert "daemon off;" in conf and "pid nginx.pid;" in conf and "/var/" not in conf


def test_local_run_dir_and_options() -> None:
    opts = GatewayOptions(port_offset=1000, gateway_port=9080, auth_rate="5r/m")
    conf = render("local", run_dir="/srv/run", options=opts)
    assert "pid /srv/run/nginx.pid;" in conf and "listen 127.0.0.1:9080 reuseport;" in conf
    assert "server 127.0.0.1:9102 " in conf and "server 127.0.0.1:9112 " in conf
    assert "zone=auth:10m rate=5r/m;" in conf


def test_container_targets() -> None:
    compose, k8s = render("compose"), render("k8s")
    for svc in SERVICES:
        assert f"server {svc.name}:8000 " in compose
        assert f"server pamtalk-{svc.name}:8000 " in k8s
    assert "daemon off" not in compose and "listen 8080 reuseport;" in k8s
    qualified = render("k8s", options=GatewayOptions(namespace="pamtalk"))
    assert "server pamtalk-farm.pamtalk.svc.cluster.local:8000 " in qualified


def test_canary_weights() -> None:
    conf = render("k8s", canary_weights={"farm": 25, "user": 100, "prediction": 0})
    assert "server pamtalk-farm-canary:8000 " in conf
    assert re.search(r'split_clients "\$request_id" \$farm_backend \{\s+25% farm-canary;\s+\* farm;', conf)
    assert "proxy_pass http://$farm_backend;" in conf
    assert "proxy_pass http://user-canary;" in conf  # all of user's traffic
    assert "prediction-canary" not in conf
    with pytest.raises(ValueError):
        render("k8s", canary_weights={"farm": 101})
    with pytest.raises(ValueError):
        render("k8s", canary_weights={"nope": 5})
    with pytest.raises(ValueError):
        render("local", canary_weights={"farm": 5})


def test_options_reject_what_could_break_the_config() -> None:
    for bad in ({"api_rate": "fast"}, {"cors_origins": ('x"; evil',)}, {"max_body": "1 g"}):
        with pytest.raises(ValueError):
            GatewayOptions(**bad)  # type: ignore[arg-type]
    env = {"PAMTALK_GATEWAY_AUTH_RATE": "3r/s", "PAMTALK_GATEWAY_CORS_ORIGINS": "https://a.kr, https://b.kr"}
    opts = GatewayOptions.from_env(env)
    assert opts.auth_rate == "3r/s" and opts.cors_origins[-2:] == ("https://a.kr", "https://b.kr")
    assert "capacitor://localhost" in opts.cors_origins


def test_docs_page_fits_in_the_config() -> None:
    page = docs_html()
    assert len(page) < NGINX_TOKEN_LIMIT and not set("$'\\") & set(page)
    for svc in SERVICES:
        assert f'href="#{svc.name}"' in page
    assert "sha256-" in docs_csp() and "/openapi/" in page
    assert 'href="#a"' in docs_html(["a", "b"])


@pytest.mark.parametrize("target", [*TARGETS, HOST_NETWORK])
def test_nginx_accepts_every_target(target: str) -> None:
    binary = require_nginx()
    run_dir = Path(tempfile.mkdtemp(prefix="pamtalk-gwt-"))
    try:
        conf = render(target, canary_weights={"farm": 10} if target in ("compose", "k8s") else None)
        # Container host names do not resolve here: point them at this machine for the test.
        conf = re.sub(r"server [a-z0-9.-]+:8000 ", "server 127.0.0.1:8000 ", conf)
        conf = conf.replace("/tmp/", f"{run_dir}/")  # the temp folders of the container targets
        for sub in ("tmp", "logs", "cache"):
            (run_dir / sub).mkdir()
        (run_dir / "nginx.conf").write_text(conf)
        args = [binary, "-t", "-q", "-p", f"{run_dir}/", "-c", str(run_dir / "nginx.conf")]
        done = subprocess.run([*args, "-e", str(run_dir / "logs/e.log")], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_host_network_target_points_at_each_service_on_the_host() -> None:
    """The local overlay's gateway: one upstream per service at its route-table port on
    127.0.0.1, every port (listen, status) moved by the offset; no canary there."""
    conf = render(HOST_NETWORK, options=GatewayOptions(port_offset=1000, gateway_port=9080))
    assert re.findall(r"server (\S+) max_fails", conf) == [f"127.0.0.1:{s.port + 1000}" for s in SERVICES]
    assert "listen 127.0.0.1:9080 reuseport;" in conf and "listen 127.0.0.1:9081;" in conf
    assert "pid /tmp/nginx.pid;" in conf  # the container paths, as the k8s target
    with pytest.raises(ValueError, match="canary"):
        render(HOST_NETWORK, canary_weights={"farm": 5})
