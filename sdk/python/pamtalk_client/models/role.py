from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COMMITTEE = "committee"
    COMPANY = "company"
    CONSUMER = "consumer"
    FARMER = "farmer"

    def __str__(self) -> str:
        return str(self.value)
