"""The Grafana dashboard (``monitoring/grafana/dashboards/pamtalk.json``), provisioned by
``monitoring/grafana/provisioning``: traffic, errors and latency per service and route,
active users, database pool use, queue lengths, model latency, the SLO error budget and the
demand forecasts' live quality (interval coverage and MAPE per crop over 14 days)."""

from __future__ import annotations

from typing import Any

from k8s.grafana import Layout, stat, timeseries, variable

Obj = dict[str, Any]

SLO = 0.999  # availability objective: 99.9 % of requests answered without a 5xx
SEL = 'service=~"$service", route=~"$route"'
NOT_PROBES = 'route!~"/livez|/readyz|/metrics"'
ERRORS = 'status=~"5.."'


def rate(metric: str, selector: str, window: str = "$__rate_interval") -> str:
    return f"rate({metric}{{{selector}}}[{window}])"


def quantile(q: float, by: str = "", selector: str = f"{SEL}, {NOT_PROBES}") -> str:
    keys = f"{by}, le" if by else "le"
    return f"histogram_quantile({q}, sum by ({keys}) ({rate('request_duration_seconds_bucket', selector)}))"


def error_ratio(by: str = "", window: str = "$__rate_interval") -> str:
    errors = rate("request_total", f"{SEL}, {ERRORS}", window)
    total = rate("request_total", SEL, window)
    agg = f"sum by ({by})" if by else "sum"
    return f"{agg} ({errors}) / {agg} ({total})"


def availability(window: str) -> str:
    errors = f"sum(increase(request_total{{{SEL}, {ERRORS}}}[{window}]))"
    total = f"sum(increase(request_total{{{SEL}}}[{window}]))"
    return f"1 - (({errors} or vector(0)) / {total})"


def panels() -> list[Obj]:
    g = Layout()
    budget = f"1 - (1 - ({availability('30d')})) / {1 - SLO:g}"
    g.row("Overview")
    g.add(stat("Requests / s", f"sum({rate('request_total', SEL, '5m')})", "reqps", [("blue", None)]), 4, 4)
    g.add(
        stat(
            "Error rate (5xx)",
            error_ratio(window="5m"),
            "percentunit",
            [("green", None), ("orange", 0.001), ("red", 0.01)],
        ),
        4,
        4,
    )
    g.add(stat("p95 latency", quantile(0.95), "s", [("green", None), ("orange", 0.5), ("red", 2)]), 4, 4)
    g.add(
        stat(
            "Active users",
            'sum(max by (service) (active_users_gauge{service=~"$service"}))',
            "short",
            [("blue", None)],
        ),
        4,
        4,
    )
    g.add(
        stat(
            "Availability (30 d)",
            availability("30d"),
            "percentunit",
            [("red", None), ("orange", SLO), ("green", 0.9995)],
        ),
        4,
        4,
    )
    g.add(
        stat(
            "Error budget left (30 d)",
            budget,
            "percentunit",
            [("red", None), ("orange", 0.25), ("green", 0.5)],
            "Share of the 0.1 % monthly error budget (SLO 99.9 %) not yet spent.",
        ),
        4,
        4,
    )
    g.row("Traffic")
    g.add(
        timeseries(
            "Request rate by service",
            [(f"sum by (service) ({rate('request_total', SEL)})", "{{service}}")],
            "reqps",
        ),
        12,
    )
    g.add(
        timeseries(
            "Request rate by route",
            [(f"sum by (service, route) ({rate('request_total', SEL)})", "{{service}} {{route}}")],
            "reqps",
        ),
        12,
    )
    g.row("Errors")
    g.add(
        timeseries(
            "Error rate by service (5xx)",
            [(error_ratio("service"), "{{service}}")],
            "percentunit",
            [0.01],
            "HighErrorRate fires above 1 % for 1 minute.",
        ),
        12,
    )
    failed = rate("request_total", SEL + ', status=~"[45].."')
    g.add(
        timeseries(
            "Errors by route and status",
            [(f"sum by (service, route, status) ({failed})", "{{service}} {{route}} {{status}}")],
            "reqps",
        ),
        12,
    )
    g.row("Latency")
    g.add(
        timeseries(
            "Latency percentiles by service",
            [
                (quantile(0.5, "service"), "p50 {{service}}"),
                (quantile(0.95, "service"), "p95 {{service}}"),
                (quantile(0.99, "service"), "p99 {{service}}"),
            ],
            "s",
            [2.0],
            "Targets: p50 < 0.5 s, p95 < 2 s (HighResponseTime), p99 < 5 s.",
        ),
        12,
    )
    g.add(
        timeseries(
            "p95 latency by route", [(quantile(0.95, "service, route"), "{{service}} {{route}}")], "s", [2.0]
        ),
        12,
    )
    g.row("Users, database and queues")
    g.add(
        timeseries(
            "Active users",
            [('max by (service) (active_users_gauge{service=~"$service"})', "{{service}}")],
            "short",
        ),
        6,
    )
    g.add(
        timeseries(
            "Database pool use",
            [
                (
                    'max by (service) (database_connection_pool{service=~"$service", state="in_use"}'
                    ' / ignoring(state) database_connection_pool{service=~"$service", state="capacity"})',
                    "{{service}}",
                )
            ],
            "percentunit",
            [0.8],
            "DatabaseConnectionPoolExhausted fires above 80 % for 30 s.",
        ),
        6,
    )
    g.add(
        timeseries(
            "Queue length", [('max by (queue) (queue_length{queue!~".*\\\\.dlq"})', "{{queue}}")], "short"
        ),
        6,
    )
    g.add(
        timeseries(
            "Dead-letter queues",
            [('max by (queue) (queue_length{queue=~".*\\\\.dlq"})', "{{queue}}")],
            "short",
            [1],
            "Any message here failed every retry: inspect and replay (docs/runbook.md).",
        ),
        6,
    )
    g.row("Models and SLO")
    model = "rate(model_inference_seconds_bucket[$__rate_interval])"
    g.add(
        timeseries(
            "Model inference latency",
            [
                (f"histogram_quantile({q}, sum by (model, le) ({model}))", f"p{int(q * 100)} {{{{model}}}}")
                for q in (0.5, 0.95, 0.99)
            ],
            "s",
        ),
        8,
    )
    g.add(
        timeseries(
            "Model calls / s",
            [("sum by (model) (rate(model_inference_seconds_count[$__rate_interval]))", "{{model}}")],
            "ops",
        ),
        8,
    )
    g.add(
        timeseries(
            "Error budget burn rate",
            [
                (f"({error_ratio(window='1h')}) / {1 - SLO:g}", "1 h"),
                (f"({error_ratio(window='6h')}) / {1 - SLO:g}", "6 h"),
            ],
            "short",
            [1.0],
            "1 = spending the budget exactly over 30 days; 14.4 for an hour burns 2 % of it.",
        ),
        8,
    )
    g.row("Forecast quality (served forecasts against settled demand, last 14 days)")
    g.add(
        timeseries(
            "Forecast interval coverage by crop (14 d)",
            [("max by (crop) (forecast_interval_coverage_ratio)", "{{crop}}")],
            "percentunit",
            [0.7, 0.9],
            "Share of served forecast days whose settled demand fell inside the 80 % interval; "
            "ForecastCoverageOutOfRange fires outside 70-90 % (docs/prediction-model.md).",
        ),
        12,
    )
    g.add(
        timeseries(
            "Forecast MAPE by crop (14 d)",
            [("max by (crop) (forecast_mape_ratio)", "{{crop}}")],
            "percentunit",
            description="Mean absolute percentage error of the served point forecasts, days with demand "
            "(the backtest's figures are in the model card).",
        ),
        12,
    )
    g.add(
        timeseries(
            "Forecast interval shift by crop and bound",
            [("max by (crop, bound) (forecast_interval_shift)", "{{crop}} {{bound}}")],
            "none",
            description="Tracked shift added to the conformal offsets of days 1-7 ahead of forecasts from "
            "the platform's history (log1p units; above 0: wider). It moves by 0.005 x (missed - 0.1) per "
            "compared forecast day: docs/prediction-model.md, Calibrated intervals.",
        ),
        12,
    )
    return g.panels


def dashboard() -> Obj:
    return {
        "uid": "pamtalk-overview",
        "title": "PAM-TALK services",
        "tags": ["pamtalk"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": "prometheus"},
                },
                variable("service", "label_values(request_total, service)"),
                variable("route", 'label_values(request_total{service=~"$service"}, route)'),
            ]
        },
        "annotations": {"list": []},
        "panels": panels(),
    }
