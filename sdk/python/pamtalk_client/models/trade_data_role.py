from enum import StrEnum


class TradeDataRole(StrEnum):
    BUYER = "buyer"
    PRODUCER = "producer"

    def __str__(self) -> str:
        return str(self.value)
