from enum import StrEnum


class Grade(StrEnum):
    BRONZE = "Bronze"
    CANDIDATE = "Candidate"
    GOLD = "Gold"
    PLATINUM = "Platinum"
    SILVER = "Silver"

    def __str__(self) -> str:
        return str(self.value)
