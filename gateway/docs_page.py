"""The one documentation page: every service's OpenAPI document in Swagger UI.

The page is a single small static HTML document with a link per service (the switcher) and
one inline script. The script loads Swagger UI from ``/docs/assets/`` (served from the
``fastapi-offline`` package's bundled Swagger UI, when installed) and falls back to the
pinned CDN copy when that 404s. Each service's document is fetched from
``/openapi/<service>.json``, which the gateway proxies to the service's ``/openapi.json``.

nginx embeds the page in its configuration (``return 200 '...'``), so it must stay under
nginx's 4 KiB limit for one configuration token and contain none of ``$ ' \\``.
The embedded mode serves ``docs_html()`` at ``/docs`` with ``docs_csp()`` as its
Content-Security-Policy header, and the files of ``assets_dir()`` at ``/docs/assets/``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from gateway.routes import SERVICES

SWAGGER_UI_VERSION = "5.32.6"  # the version bundled by fastapi-offline 1.7.7
CDN = f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{SWAGGER_UI_VERSION}/"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")
ASSETS_URL = "/docs/assets/"
NGINX_TOKEN_LIMIT = 4096

_STYLE = (
    "body{margin:0;font-family:sans-serif}"
    "header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#1b5e20;color:#fff}"
    "header a{color:#fff;text-decoration:none;padding:.2em .6em;border-radius:4px}"
    "header a.on{background:#fff;color:#1b5e20}"
)

# ``%s`` receives the service names as a JSON array. Keep ES5 and free of ``$ ' \``.
_SCRIPT = """(function(){
var S=%s,CDN="%s",A="%s";
function asset(name,cb){var css=name.slice(-4)===".css";
function put(url,retry){var e=document.createElement(css?"link":"script");
if(css){e.rel="stylesheet";e.href=url}else{e.src=url}
e.onload=cb||null;e.onerror=retry||null;document.head.appendChild(e)}
put(A+name,function(){put(CDN+name)})}
function show(){var n=location.hash.slice(1);if(S.indexOf(n)<0)n=S[0];
var links=document.querySelectorAll("header nav a");
for(var i=0;i<links.length;i++)links[i].className=links[i].id==="s-"+n?"on":"";
var u="/openapi/"+n+".json";document.getElementById("raw").href=u;
window.SwaggerUIBundle({url:u,dom_id:"#ui",validatorUrl:null,docExpansion:"list"})}
window.addEventListener("hashchange",show);
asset("swagger-ui.css");asset("swagger-ui-bundle.js",show)})();"""


def _script(service_names: list[str]) -> str:
    return _SCRIPT % (json.dumps(service_names), CDN, ASSETS_URL)


def docs_html(service_names: Iterable[str] | None = None) -> str:
    """The documentation page for ``service_names`` (default: every service of the table)."""
    names = [svc.name for svc in SERVICES] if service_names is None else list(service_names)
    nav = "".join(f'<a id="s-{html.escape(n)}" href="#{html.escape(n)}">{html.escape(n)}</a>' for n in names)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>PAM-TALK API</title><style>{_STYLE}</style></head><body>"
        f"<header><b>PAM-TALK API</b><nav>{nav}</nav>"
        '<a id="raw" href="#">OpenAPI JSON</a></header><div id="ui"></div>'
        f"<noscript>Swagger UI needs JavaScript; the documents are at /openapi/NAME.json</noscript>"
        f"<script>{_script(names)}</script></body></html>"
    )
    for char in "$'\\":
        if char in page:
            raise ValueError(f"docs page must not contain {char!r} (it is embedded in nginx.conf)")
    return page


def docs_csp(service_names: Iterable[str] | None = None) -> str:
    """Content-Security-Policy for the page: only its own inline script, by hash."""
    names = [svc.name for svc in SERVICES] if service_names is None else list(service_names)
    digest = base64.b64encode(hashlib.sha256(_script(names).encode()).digest()).decode()
    cdn = CDN.split("/npm/")[0]
    return (
        f"default-src 'none'; script-src 'self' 'sha256-{digest}' {cdn}; "
        f"style-src 'self' 'unsafe-inline' {cdn}; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def assets_dir() -> Path | None:
    """The folder holding Swagger UI's files, if ``fastapi-offline`` is installed."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if all((folder / name).is_file() for name in ASSETS) else None


def copy_assets(target: Path) -> bool:
    """Copy Swagger UI's files into ``target``; False (page uses the CDN) when not installed."""
    source = assets_dir()
    target.mkdir(parents=True, exist_ok=True)
    if source is None:
        return False
    for name in ASSETS:
        shutil.copyfile(source / name, target / name)
    return True
