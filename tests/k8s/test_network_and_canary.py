"""NetworkPolicies deny by default and open only the platform's paths; the canary steps."""

from __future__ import annotations

import shutil

import pytest
import yaml

from gateway.routes import SERVICES
from k8s import canary, overlays
from k8s.config import CANARY_STEPS, K8S
from k8s.kustomize import build
from tests.k8s.tools import of_kind, rendered

NAMES = [svc.name for svc in SERVICES]


def _from_names(rule: dict) -> set[str]:
    return {
        p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in rule["from"] if "podSelector" in p
    }


def test_default_deny_and_only_the_gateway_reaches_the_apis() -> None:
    policies = of_kind(rendered("base"), "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny and "egress" not in deny
    for name in NAMES:
        spec = policies[name]["spec"]
        assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": name}
        api_rule = spec["ingress"][0]
        callers = _from_names(api_rule)
        # the gateway, and for the user service the services that fetch its JWKS
        assert callers == ({"gateway", *(n for n in NAMES if n != "user")} if name == "user" else {"gateway"})
        egress_ports = {p["port"] for rule in spec["egress"] for p in rule["ports"]}
        assert {5432, 6379, 5672} <= egress_ports
    gateway = policies["gateway"]["spec"]
    reached = {p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in gateway["egress"][0]["to"]}
    assert reached == set(NAMES)
    only_chain = [
        n for n in NAMES if any("ipBlock" in t for r in policies[n]["spec"]["egress"] for t in r["to"])
    ]
    assert only_chain == ["blockchain"]


def test_canary_steps_follow_the_source_plan() -> None:
    assert CANARY_STEPS == (5, 25, 50, 100)
    release = overlays.default_release()
    release = canary.apply_step(release, "start", "farm", "0.2.0")
    assert release["canary"]["farm"] == {"tag": "0.2.0", "weight": 5}
    for weight in CANARY_STEPS[1:]:
        release = canary.apply_step(release, "weight", "farm", str(weight))
    with pytest.raises(SystemExit):
        canary.apply_step(overlays.default_release(), "promote", "farm")
    release = canary.apply_step(release, "promote", "farm")
    assert release["stable"]["farm"] == "0.2.0" and release["canary"]["farm"]["weight"] == 100
    release = canary.apply_step(release, "finish", "farm")
    assert release["canary"] == {}
    with pytest.raises(SystemExit):
        canary.apply_step(release, "start", "farm", "latest")


def test_an_overlay_with_a_canary_moves_traffic_and_images(tmp_path, monkeypatch) -> None:
    """Render prod with farm's canary at 25 % in a scratch copy of k8s/."""
    shutil.copytree(K8S / "base", tmp_path / "base")
    folder = tmp_path / "overlays" / "prod"
    folder.mkdir(parents=True)
    release = canary.apply_step(overlays.load_release("prod"), "start", "farm", "0.2.0")
    release = canary.apply_step(release, "weight", "farm", "25")
    monkeypatch.setattr(overlays, "load_release", lambda env: release)
    for name, content in overlays.overlay_files("prod").items():
        text = content if isinstance(content, str) else yaml.safe_dump_all(content, sort_keys=False)
        (folder / name).write_text(text)
    objects = build(folder)
    deployments = of_kind(objects, "Deployment")
    farm_canary = deployments["farm-canary"]
    assert farm_canary["spec"]["replicas"] == 3  # 25 % of prod's 10, rounded up
    assert farm_canary["spec"]["template"]["spec"]["containers"][0]["image"].endswith("/farm:0.2.0")
    assert deployments["farm"]["spec"]["template"]["spec"]["containers"][0]["image"].endswith("/farm:0.1.0")
    migrate_image = of_kind(objects, "Job")["farm-migrate"]["spec"]["template"]["spec"]["containers"][0][
        "image"
    ]
    assert migrate_image == "registry.pamtalk.example/pamtalk/migrate:0.2.0"  # the newest version's
    conf = of_kind(objects, "ConfigMap")["gateway-nginx"]["data"]["nginx.conf"]
    assert "25% farm-canary;" in conf and "server pamtalk-farm-canary:8000" in conf
    base_digest = of_kind(rendered("overlays/prod"), "Deployment")["gateway"]["spec"]["template"]["metadata"]
    new_digest = deployments["gateway"]["spec"]["template"]["metadata"]
    assert base_digest["annotations"] != new_digest["annotations"]  # the gateway pods roll
