"""Run the gateway's nginx as an ordinary (non-root-path) foreground process.

Shared by the launcher (``make up``) and the gateway tests: the configuration is rendered
into a run folder that also holds nginx's pid file, logs, temp files, edge cache and the
docs page's Swagger UI files, so nothing under /etc or /var is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from gateway.docs_page import copy_assets
from gateway.options import GatewayOptions
from gateway.render import OPENAPI_NAME, render

CONF_NAME = "nginx.conf"
OPENAPI_DOCUMENT = Path(__file__).resolve().parents[1] / "openapi" / "pamtalk.json"  # make openapi


def nginx_binary() -> str | None:
    """``PAMTALK_NGINX`` when set, else ``nginx`` on PATH (or Debian's /usr/sbin)."""
    given = os.environ.get("PAMTALK_NGINX")
    if given:
        return given if os.access(given, os.X_OK) else None
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def prepare(run_dir: Path, options: GatewayOptions) -> Path:
    """Create the run folder's layout and write the local configuration; return its path."""
    run_dir = run_dir.resolve()
    for sub in ("logs", "tmp", "cache", "docs-assets"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    copy_assets(run_dir / "docs-assets")
    shutil.copyfile(OPENAPI_DOCUMENT, run_dir / OPENAPI_NAME)
    conf = run_dir / CONF_NAME
    conf.write_text(render("local", run_dir=run_dir, options=options))
    return conf


def command(binary: str, run_dir: Path, *, test: bool = False) -> list[str]:
    run_dir = run_dir.resolve()
    args = [
        binary,
        "-p",
        f"{run_dir}/",
        "-c",
        str(run_dir / CONF_NAME),
        "-e",
        str(run_dir / "logs/error.log"),
    ]
    if os.geteuid() == 0:
        # As root nginx would drop its workers to "nobody", who may not reach a run folder
        # inside a private home or pytest's 0700 temp folder: keep the caller's user.
        args += ["-g", "user root;"]
    return [*args, "-t", "-q"] if test else args


def check_config(binary: str, run_dir: Path) -> str | None:
    """None when ``nginx -t`` accepts the rendered file, else nginx's complaint."""
    done = subprocess.run(command(binary, run_dir, test=True), capture_output=True, text=True, check=False)
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()


def start(binary: str, run_dir: Path) -> subprocess.Popen[bytes]:
    """Start nginx (``daemon off``) in its own session; output goes to logs/nginx.out."""
    out = open(run_dir / "logs" / "nginx.out", "ab")  # the child keeps its own copy
    try:
        return subprocess.Popen(
            command(binary, run_dir), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        out.close()
