from enum import StrEnum


class ForecastOutHistorySource(StrEnum):
    GENERATED = "generated"
    PLATFORM = "platform"

    def __str__(self) -> str:
        return str(self.value)
