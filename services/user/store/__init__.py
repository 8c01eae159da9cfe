"""The user service's SQL: ``accounts`` (users, their credentials and roles). Login sessions
and rate limits live in Redis (``sessions.py``, ``pamtalk.ratelimit``)."""
