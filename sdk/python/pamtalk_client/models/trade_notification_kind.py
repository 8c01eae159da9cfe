from enum import StrEnum


class TradeNotificationKind(StrEnum):
    TRADE_CANCELLED = "trade.cancelled"
    TRADE_CONFIRMED = "trade.confirmed"
    TRADE_CREATED = "trade.created"
    TRADE_SETTLED = "trade.settled"

    def __str__(self) -> str:
        return str(self.value)
