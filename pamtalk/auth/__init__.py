from pamtalk.auth.deps import current_user, optional_user, require_roles
from pamtalk.auth.jwks import InvalidToken, JwksVerifier, Principal, http_fetcher

__all__ = [
    "InvalidToken",
    "JwksVerifier",
    "Principal",
    "current_user",
    "http_fetcher",
    "optional_user",
    "require_roles",
]
