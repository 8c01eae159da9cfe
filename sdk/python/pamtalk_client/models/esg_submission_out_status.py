from enum import StrEnum


class EsgSubmissionOutStatus(StrEnum):
    PENDING = "pending"
    SCORED = "scored"

    def __str__(self) -> str:
        return str(self.value)
