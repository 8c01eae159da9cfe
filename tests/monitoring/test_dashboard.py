"""The Grafana dashboard shows what the source plan asks for and is provisioned."""

from __future__ import annotations

import json

import yaml

from k8s.config import ROOT

DASHBOARD = ROOT / "monitoring" / "grafana" / "dashboards" / "pamtalk.json"


def exprs(dashboard: dict) -> str:
    return "\n".join(t["expr"] for p in dashboard["panels"] for t in p.get("targets", ()))


def test_dashboard_covers_the_source_plan() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    text = exprs(dashboard)
    for metric in (
        "request_total",
        "request_duration_seconds_bucket",
        "active_users_gauge",
        "database_connection_pool",
        "queue_length",
        "model_inference_seconds_bucket",
    ):
        assert metric in text, metric
    for q in ("0.5", "0.95", "0.99"):
        assert f"histogram_quantile({q}" in text
    assert "by (service, route" in text  # per service and route
    titles = {p["title"] for p in dashboard["panels"]}
    assert {"Error budget left (30 d)", "Dead-letter queues", "Model inference latency"} <= titles
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "service", "route"} <= variables


def test_panels_do_not_overlap() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        g = panel["gridPos"]
        assert g["x"] + g["w"] <= 24
        mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & mine, panel["title"]
        cells |= mine
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


def test_dashboard_and_datasource_are_provisioned() -> None:
    prov = ROOT / "monitoring" / "grafana" / "provisioning"
    providers = yaml.safe_load((prov / "dashboards" / "pamtalk.yml").read_text())["providers"]
    assert providers[0]["options"]["path"] == "/etc/grafana/dashboards"
    sources = yaml.safe_load((prov / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert {s["uid"] for s in sources} >= {"prometheus"}
    compose = (ROOT / "compose.yaml").read_text()
    assert "./monitoring/grafana/dashboards:/etc/grafana/dashboards:ro" in compose


def test_dashboard_shows_the_forecast_quality_with_the_alert_lines() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    [coverage] = [p for p in dashboard["panels"] if p["title"].startswith("Forecast interval coverage")]
    assert "forecast_interval_coverage_ratio" in exprs({"panels": [coverage]})
    steps = coverage["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [s["value"] for s in steps if s["value"] is not None] == [0.7, 0.9]  # ForecastCoverageOutOfRange
    assert "forecast_mape_ratio" in exprs(dashboard)
    # the tracked shift of the intervals (services/prediction/interval_tracking.py), per crop and bound
    assert "max by (crop, bound) (forecast_interval_shift)" in exprs(dashboard)
