from enum import StrEnum


class TradeStatus(StrEnum):
    CANCELLED = "cancelled"
    CONFIRMED = "confirmed"
    PENDING = "pending"
    SETTLED = "settled"
    UNDER_REVIEW = "under_review"

    def __str__(self) -> str:
        return str(self.value)
