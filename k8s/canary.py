"""Canary roll-out of one service (the source plan's 5 % -> 25 % -> 50 % -> 100 %).

Edits ``k8s/overlays/<env>/release.yaml`` and regenerates that overlay; apply it with
``k8s/deploy.sh <env>`` after each step (docs/kubernetes.md walks through it).

    python -m k8s.canary prod start farm 0.2.0     # canary image, 5 % of farm's traffic
    python -m k8s.canary prod weight farm 25       # then 50, then 100
    python -m k8s.canary prod promote farm         # stable rolls to the canary's version
    python -m k8s.canary prod finish farm          # traffic back to stable, canary idles
    python -m k8s.canary prod abort farm           # all traffic back to stable at once
    python -m k8s.canary prod status
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from k8s import config as c
from k8s import generate, overlays

TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def _service(release: dict[str, Any], name: str) -> None:
    if name not in release["stable"] or name == "gateway":
        raise SystemExit(f"unknown service {name!r}")


def apply_step(release: dict[str, Any], action: str, name: str = "", value: str = "") -> dict[str, Any]:
    """The release state after one step (pure: the caller writes it)."""
    canary = release["canary"]
    if action == "start":
        _service(release, name)
        if not TAG.match(value) or value == "latest":
            raise SystemExit(f"image tag must be a pinned version, got {value!r}")
        canary[name] = {"tag": value, "weight": c.CANARY_STEPS[0]}
    elif action == "weight":
        if name not in canary:
            raise SystemExit(f"no canary of {name} is out: start one first")
        weight = int(value)
        if not 0 < weight <= 100:
            raise SystemExit("weight must be 1..100 (abort sends everything back to stable)")
        canary[name]["weight"] = weight
    elif action == "promote":
        # the stable Deployment rolls to the canary's version while the canary still takes
        # all the traffic; `finish` then moves the traffic back to stable
        if name not in canary or int(canary[name]["weight"]) != 100:
            raise SystemExit(f"promote {name} only after it has taken 100 % of the traffic")
        release["stable"][name] = canary[name]["tag"]
    elif action == "finish":
        if name not in canary or release["stable"][name] != canary[name]["tag"]:
            raise SystemExit(f"finish {name} only after promote (stable must run the canary's version)")
        del canary[name]
    elif action == "abort":
        if canary.pop(name, None) is None:
            raise SystemExit(f"no canary of {name} is out")
    return release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("env", choices=sorted(overlays.ENVIRONMENTS))
    parser.add_argument("action", choices=["start", "weight", "promote", "finish", "abort", "status"])
    parser.add_argument("service", nargs="?", default="")
    parser.add_argument("value", nargs="?", default="", help="image tag (start) or percent (weight)")
    args = parser.parse_args(argv)
    release = overlays.load_release(args.env)
    if args.action != "status":
        release = apply_step(release, args.action, args.service, args.value)
        overlays.release_path(args.env).write_text(overlays.dump_release(release))
        folder = c.K8S / "overlays" / args.env
        files = {p: t for p, t in generate.artefacts().items() if p.parent == folder}
        changed = generate.write(files)
        for extra in generate.extra(files):  # e.g. gateway-canary.yaml once no canary is out
            extra.unlink()
        print(f"{args.env}: {len(changed)} file(s) updated; now run: k8s/deploy.sh {args.env}")
    for name, tag in sorted(release["stable"].items()):
        line = f"{name:14} stable {tag}"
        if name in release["canary"]:
            spec = release["canary"][name]
            line += f"  canary {spec['tag']} at {spec['weight']} %"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
