"""How fast can the load generator itself go here? ``python -m loadtests.calibrate``.

Runs the find-max steps of the real virtual users (same mix, pacing and bookkeeping)
against a stub: an nginx that answers every request at once with a small JSON body (201 for
POST, 202 for an ESG submission). The highest step that held is the tool's own ceiling on
this machine; a platform figure close to it says more about the tool than the platform.
Needs nginx (as ``make up`` does); the stub listens on ``--port`` and is stopped afterwards.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = '{"id":"00000000-0000-7000-8000-000000000000","items":[]}'
NGINX = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 16384; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server {{
    listen 127.0.0.1:{port};
    location ~ /esg$ {{ if ($request_method = POST) {{ return 202 '{body}'; }} return 200 '{body}'; }}
    location / {{ if ($request_method = POST) {{ return 201 '{body}'; }} return 200 '{body}'; }}
  }}
}}
"""


def pool(users: int) -> dict:
    farmers = max(1, users * 3 // 10)
    accounts = [
        {
            "email": f"{role}{i}@stub",
            "role": role,
            "id": f"{role}{i}",
            "access": "t",
            "refresh": "",
            "expires": 9e12,
        }
        for role, count in (("farmer", farmers), ("buyer", max(1, users - farmers)))
        for i in range(count)
    ]
    farms = [
        {"id": f"farm{i}", "owner": f"farmer{i % farmers}@stub", "crops": ["rice"], "region": "Jeju"}
        for i in range(max(10, farmers))
    ]
    return {"password": "stub", "accounts": accounts, "farms": farms}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=13999)
    p.add_argument("--users", type=int, default=300)
    p.add_argument("--start-rps", type=float, default=1000)
    p.add_argument("--step-factor", type=float, default=2.0)
    p.add_argument("--max-rps", type=float, default=32000)
    p.add_argument("--step-seconds", type=float, default=6)
    args = p.parse_args(argv)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = Path(tempfile.mkdtemp(prefix="pamtalk-calibrate-"))
    (folder / "nginx.conf").write_text(NGINX.format(dir=folder, port=args.port, body=BODY))
    (folder / "pool.json").write_text(json.dumps(pool(args.users)))
    steps = {"start": args.start_rps, "factor": args.step_factor, "limit": args.max_rps}
    config = {
        "host": f"http://127.0.0.1:{args.port}",
        "scenario": {"name": "calibration", "users": args.users, "rps": args.start_rps, "duration": 1,
                     "shape": "linear", "ramp": 3},
        "find_max": {**steps, "step_seconds": args.step_seconds, "settle_seconds": 2},
        "slo": "strict", "pool": str(folder / "pool.json"), "raw": str(folder / "raw.json"),
        "disabled": {}, "farmer_share": 0.3, "login": "pool", "drain": 3, "max_in_flight": 20000,
        "idle_close": 60,
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config))
    subprocess.run([binary, "-c", str(folder / "nginx.conf"), "-p", str(folder)], check=True)
    try:
        time.sleep(0.3)
        cmd = [sys.executable, "-m", "loadtests.runner", str(folder / "config.json")]
        subprocess.run(cmd, cwd=ROOT, check=True)
    finally:
        subprocess.run(
            [binary, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-s", "stop"], check=False
        )
    raw = json.loads((folder / "raw.json").read_text())
    held = [s["rps"] for s in raw["find_max"] if s["verdict"] == "PASS"]
    print(f"load generator ceiling here: {max(held) if held else 'below the first step'} req/s held "
          f"(strict SLO against a stub; {args.users} users)")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
