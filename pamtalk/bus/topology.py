"""Queues of the platform and what each is bound to on the ``pamtalk.events`` exchange.

The four queues of the source plan keep their names. Every consumer queue ``q`` also has
``q.retry`` (messages wait there with a back-off, then return to ``q``) and ``q.dlq``
(messages that failed every attempt, kept for inspection and replay: ``make dlq``).
"""

from __future__ import annotations

from dataclasses import dataclass

EXCHANGE = "pamtalk.events"


@dataclass(frozen=True)
class QueueSpec:
    name: str
    bindings: tuple[str, ...]  # topic patterns: "*" one word, "#" zero or more
    consumer: str  # the service that consumes it

    @property
    def retry(self) -> str:
        return f"{self.name}.retry"

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


QUEUES: dict[str, QueueSpec] = {
    q.name: q
    for q in (
        QueueSpec("prediction_requests", ("prediction.requested", "farm.esg_submitted"), "prediction"),
        QueueSpec("analytics_data", ("transaction.*",), "prediction"),
        QueueSpec("blockchain_transactions", ("transaction.settled", "esg.scored"), "blockchain"),
        QueueSpec(
            "notification_events",
            (
                "user.registered",
                "user.updated",
                "transaction.*",
                "esg.scored",
                "token.*",
                "prediction.completed",
            ),
            "notification",
        ),
        QueueSpec("farm_updates", ("esg.scored",), "farm"),
        QueueSpec("transaction_updates", ("farm.*", "transaction.flagged"), "transaction"),
    )
}

# Back-off before each retry (seconds); after the last one the message is dead-lettered.
RETRY_DELAYS: tuple[float, ...] = (1.0, 5.0, 30.0)


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: words split on '.', '*' is one word, '#' zero or more."""
    return _match(pattern.split("."), key.split("."))


def _match(pat: list[str], words: list[str]) -> bool:
    if not pat:
        return not words
    head, rest = pat[0], pat[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


def queues_for(routing_key: str) -> list[QueueSpec]:
    return [q for q in QUEUES.values() if any(topic_matches(p, routing_key) for p in q.bindings)]
