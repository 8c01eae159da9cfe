from enum import StrEnum


class ReviewInDecision(StrEnum):
    CANCEL = "cancel"
    CLEAR = "clear"

    def __str__(self) -> str:
        return str(self.value)
