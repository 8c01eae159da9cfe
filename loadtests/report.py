"""The run's result as JSON and as one self-contained HTML page (pure rendering).

The page has the verdict and its checks, the overall and per-endpoint figures, failures by
status, the find-max steps, the platform's CPU and memory by process group, the write
verification, and four inline SVG charts over time: latency percentiles, throughput
(offered, answered, failed), active users and CPU. No script, no stylesheet or font is fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from loadtests.charts import line_chart

CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.PASS{color:#157f1f}.FAIL{color:#b00020}
.verdict{font-size:1.6em;font-weight:bold}code{background:#f6f6f6;padding:1px 4px}"""


def write_json(result: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(result, indent=1, default=str))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, dict):
        return escape(", ".join(f"{k}: {v}" for k, v in value.items()))
    return escape(str(value))


def table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _verdict(result: Mapping[str, Any]) -> str:
    v = result["verdict"]
    rows = [
        (c["limit"], c["measured"], {True: "ok", False: "FAILED", None: "not measured"}[c["ok"]])
        for c in v["checks"]
    ]
    warn = "".join(f"<li>{escape(w)}</li>" for w in result.get("warnings", []))
    return (
        f'<p class="verdict {v["verdict"]}">{v["verdict"]} <small>(SLO: {escape(v["slo"])})</small></p>'
        + table(("check", "measured", "result"), rows)
        + (f"<p>Warnings:</p><ul>{warn}</ul>" if warn else "")
    )


def _overall(o: Mapping[str, Any]) -> str:
    keys = ("count", "achieved_rps", "offered_rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms")
    keys += ("errors", "error_pct")
    return table(keys, [[o.get(k) for k in keys]])


def _endpoints(endpoints: Mapping[str, Mapping[str, Any]]) -> str:
    keys = ("count", "share_pct", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "error_pct")
    rows = [[name, *(e.get(k) for k in keys), e.get("statuses")] for name, e in endpoints.items()]
    examples = [
        f"<li><code>{escape(name)}</code>: {escape(' | '.join(e['examples']))}</li>"
        for name, e in endpoints.items()
        if e.get("examples")
    ]
    out = table(("endpoint", *keys, "statuses"), rows)
    return out + (f"<p>Failure examples:</p><ul>{''.join(examples)}</ul>" if examples else "")


def _steps(find_max: Mapping[str, Any] | None) -> str:
    if not find_max:
        return ""
    keys = ("achieved_rps", "p50_ms", "p95_ms", "p99_ms", "errors")
    rows = [
        (s["rps"], *(s["figures"][k] for k in keys), s.get("cpu_pct"), s["verdict"], "; ".join(s["failed"]))
        for s in find_max["steps"]
    ]
    head = (
        f"<h2>Find-max (SLO {escape(find_max['slo'])}): highest rate that held = "
        f"{find_max['highest_passing_rps']} req/s</h2>"
        + (
            "<p>The step after it was not judged: the load generator sent late (its own CPU, or a machine "
            "the platform saturates), so the platform may or may not hold more.</p>"
            if find_max.get("limited_by_generator")
            else ""
        )
    )
    cols = ("offered req/s", "answered req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "platform CPU %")
    return head + table((*cols, "verdict", "failed"), rows)


def _resources(res: Mapping[str, Any]) -> str:
    if not res:
        return "<p>No resource samples.</p>"
    top = ("platform_cpu_pct_mean", "platform_cpu_pct_max", "platform_mem_mb_max", "machine_cpu_pct_mean")
    top += ("machine_memory_pct_max", "cores")
    groups = [
        (name, g["procs"], g["cpu_mean"], g["cpu_max"], g["mem_mb_max"]) for name, g in res["groups"].items()
    ]
    return table(top, [[res.get(k) for k in top]]) + table(
        ("process group", "processes", "CPU % of a core (mean)", "CPU % (max)", "memory MB, PSS (max)"),
        groups,
    )


def _writes(writes: Mapping[str, Any] | None) -> str:
    if not writes:
        return "<p>Not verified.</p>"
    rows = [
        (k, v["acknowledged"], v["lost"], v.get("unverified", 0), ", ".join(v["lost_sample"]))
        for k, v in writes.items()
        if isinstance(v, dict)
    ]
    head = ("write", "acknowledged", "lost", "could not be checked", "lost (sample)")
    return f"<p>Lost writes: <b>{writes['lost_writes']}</b></p>" + table(head, rows)


def charts(result: Mapping[str, Any]) -> str:
    tl = result.get("timeline", [])
    lat = [(k, [(r["t"], r[f"{k}_ms"]) for r in tl]) for k in ("p50", "p95", "p99")]
    thr = [
        ("offered/s", [(r["t"], r["offered"]) for r in tl]),
        ("answered/s", [(r["t"], r["rps"]) for r in tl]),
        ("failed/s", [(r["t"], r["errors"]) for r in tl]),
    ]
    users = [("active users", [(r["t"], r["users"]) for r in tl])]
    rt = result.get("resource_timeline", [])
    cpu = [
        ("platform (% of machine)", [(r["t"], r["platform_cpu_pct"]) for r in rt]),
        ("load generator (% of a core)", [(r["t"], r["generator_cpu_pct"]) for r in rt]),
    ]
    return "\n".join(
        (
            line_chart("Latency percentiles per second", lat, " ms"),
            line_chart("Throughput per second", thr),
            line_chart("Virtual users", users, height=180),
            line_chart("CPU", cpu, " %"),
        )
    )


def render_html(result: Mapping[str, Any]) -> str:
    sc = result["scenario"]
    about = (
        f"scenario <b>{escape(sc['name'])}</b>: {sc['users']} users, {sc['rps']} req/s target, "
        f"{sc['duration']:.0f} s, {escape(sc['shape'])} ramp {sc['ramp_seconds']:.0f} s; host "
        f"<code>{escape(result['host'])}</code> ({escape(result.get('mode', '?'))}); "
        f"started {escape(result['started_at'])}"
    )
    skipped = result.get("skipped_endpoints") or {}
    skipped_html = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in skipped.items())
    gen = result.get("generator", {})
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>PAM-TALK load test: {escape(sc["name"])} {escape(result["verdict"]["verdict"])}</title><style>{
        CSS
    }</style></head><body>
<h1>PAM-TALK load test</h1><p>{about}</p><p>Command: <code>{escape(result.get("command", ""))}</code></p>
<p>Services found: {escape(", ".join(result.get("services", [])) or "unknown")}</p>
{f"<p>Endpoints left out (not on the platform yet):</p><ul>{skipped_html}</ul>" if skipped_html else ""}
<h2>Verdict</h2>{_verdict(result)}
<h2>Overall</h2>{_overall(result["overall"])}
<p>Mix by category (% of requests): {
        escape(", ".join(f"{k} {v:.1f} %" for k, v in result.get("mix_pct", {}).items()))
    }</p>
{_steps(result.get("find_max"))}
<h2>Over time</h2>{charts(result)}
<h2>Per endpoint</h2>{_endpoints(result["endpoints"])}
<h2>Failures by status</h2>{table(("status", "count"), result.get("errors_by_status", {}).items())}
<p>Status 0: no answer (refused, reset or timed out); "not sent": the generator's in-flight limit.</p>
<h2>Platform resources</h2>{_resources(result.get("resources", {}))}
<h2>Writes verified after the run</h2>{_writes(result.get("writes"))}
<h2>Load generator</h2>{
        table(
            ("send lag p50 ms", "p99 ms", "max ms", "not sent", "CPU % of a core"),
            [
                [
                    gen.get("send_lag", {}).get("p50_ms"),
                    gen.get("send_lag", {}).get("p99_ms"),
                    gen.get("send_lag", {}).get("max_ms"),
                    gen.get("not_sent"),
                    gen.get("cpu_pct_mean"),
                ]
            ],
        )
    }
{f"<p>Tool errors: {_cell(gen['tool_errors'])}</p>" if gen.get("tool_errors") else ""}
</body></html>"""


def write_html(result: Mapping[str, Any], path: Path) -> None:
    path.write_text(render_html(result))
