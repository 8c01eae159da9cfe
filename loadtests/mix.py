"""The request mix of the source plan: 70 % reads, 20 % writes, 10 % AI.

Every endpoint the tool calls is one ``Endpoint`` here: its stats name, category, share of
all requests, which kind of user makes it (farmers register farms, confirm trades and
submit ESG data; buyers open trades; anyone reads) and which answers count as success.
Virtual users are farmers or buyers; ``role_weights`` turns the overall shares into one
weight table per role so that the requests of both together follow the plan's mix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

READ, WRITE, AI, AUTH = "read", "write", "ai", "auth"
ANY, FARMER, BUYER = "any", "farmer", "buyer"
PLAN_SPLIT = {READ: 70.0, WRITE: 20.0, AI: 10.0}
DEFAULT_FARMER_SHARE = 0.3  # of virtual users; the rest are buyers (consumers, companies)


@dataclass(frozen=True)
class Endpoint:
    key: str  # the action's short name
    name: str  # the name in the statistics: method and path template
    category: str
    share: float  # percent of all requests of the mix (0 for helper calls outside it)
    role: str = ANY
    ok: tuple[int, ...] = (200,)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("dashboard", "GET /api/v1/dashboard", READ, 16, ok=(200, 304)),
    Endpoint("farm_list", "GET /api/v1/farms", READ, 18, ok=(200, 304)),
    Endpoint("farm_detail", "GET /api/v1/farms/{id}", READ, 16, ok=(200, 304)),
    Endpoint("my_trades", "GET /api/v1/transactions", READ, 10),
    Endpoint("my_notifications", "GET /api/v1/notifications", READ, 10),
    Endpoint("farm_register", "POST /api/v1/farms", WRITE, 4, FARMER, ok=(201,)),
    Endpoint("trade_create", "POST /api/v1/transactions", WRITE, 10, BUYER, ok=(201,)),
    Endpoint("trade_confirm", "POST /api/v1/transactions/{id}/confirm", WRITE, 6, FARMER),
    Endpoint("forecast", "GET /api/v1/predictions/demand", AI, 7),
    Endpoint("esg_submit", "POST /api/v1/farms/{id}/esg", AI, 3, FARMER, ok=(202,)),
    # helpers outside the mix: a farmer with nothing queued looks up pending trades; tokens
    Endpoint("pending_trades", "GET /api/v1/transactions?status=pending", READ, 0, FARMER),
    Endpoint("login", "POST /api/v1/auth/login", AUTH, 0),
    Endpoint("refresh", "POST /api/v1/auth/refresh", AUTH, 0),
)
BY_KEY = {e.key: e for e in ENDPOINTS}
BY_NAME = {e.name: e for e in ENDPOINTS}
MIX = tuple(e for e in ENDPOINTS if e.share > 0)


def effective_shares(disabled: Iterable[str] = ()) -> dict[str, float]:
    """Shares (percent) of the enabled endpoints of the mix.

    A disabled endpoint's share goes to the others of its category, so the plan's
    70/20/10 split holds while a service is missing; a whole category missing is spread
    over the rest."""
    off = set(disabled)
    live = [e for e in MIX if e.key not in off]
    if not live:
        return {}
    shares: dict[str, float] = {}
    for category, target in PLAN_SPLIT.items():
        members = [e for e in live if e.category == category]
        total = sum(e.share for e in members)
        for e in members:
            shares[e.key] = target * e.share / total
    scale = 100.0 / sum(shares.values())
    return {key: share * scale for key, share in shares.items()}


def role_weights(
    shares: dict[str, float], farmer_share: float = DEFAULT_FARMER_SHARE
) -> dict[str, dict[str, float]]:
    """One weight table per role (each summing to 1) such that farmers (``farmer_share`` of
    the users, each as busy as a buyer) and buyers together make requests in ``shares``.

    Raises ValueError when the farmers' own endpoints need more of the traffic than the
    farmers make (or the buyers' more than the buyers make)."""
    if not 0 < farmer_share < 1:
        raise ValueError("farmer_share must be between 0 and 1")
    total = sum(shares.values())
    norm = {key: value / total for key, value in shares.items()}
    only = {FARMER: 0.0, BUYER: 0.0}
    for key, value in norm.items():
        if BY_KEY[key].role in only:
            only[BY_KEY[key].role] += value
    fraction = {FARMER: farmer_share, BUYER: 1 - farmer_share}
    common = 1.0 - only[FARMER] - only[BUYER]
    tables: dict[str, dict[str, float]] = {}
    for role in (FARMER, BUYER):
        if only[role] > fraction[role] + 1e-9:
            raise ValueError(
                f"{role}s are {fraction[role]:.0%} of the users but their endpoints are "
                f"{only[role]:.0%} of the mix"
            )
        rest = 1.0 - only[role] / fraction[role]  # what this role spends on common endpoints
        table = {}
        for key, value in norm.items():
            owner = BY_KEY[key].role
            if owner == role:
                table[key] = value / fraction[role]
            elif owner == ANY and common > 0:
                table[key] = value * rest / common
        tables[role] = {k: v for k, v in table.items() if v > 0}
    return tables


def category_split(counts: dict[str, int]) -> dict[str, float]:
    """Percent of requests per category from counts per stats name (helpers included)."""
    per: dict[str, int] = {}
    for name, count in counts.items():
        category = BY_NAME[name].category if name in BY_NAME else "other"
        per[category] = per.get(category, 0) + count
    total = sum(per.values()) or 1
    return {category: 100.0 * count / total for category, count in sorted(per.items())}
