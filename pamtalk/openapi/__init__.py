"""The partner contract: how every service's OpenAPI document is shaped (``shape``), the
components they share (``components``), the one document of the gateway (``combine``) and
what counts as a breaking change to it (``breaking``)."""
