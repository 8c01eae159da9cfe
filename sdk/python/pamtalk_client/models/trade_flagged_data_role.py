from enum import StrEnum


class TradeFlaggedDataRole(StrEnum):
    BUYER = "buyer"
    PRODUCER = "producer"

    def __str__(self) -> str:
        return str(self.value)
