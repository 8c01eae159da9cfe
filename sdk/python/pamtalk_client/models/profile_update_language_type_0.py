from enum import StrEnum


class ProfileUpdateLanguageType0(StrEnum):
    EN = "en"
    KO = "ko"

    def __str__(self) -> str:
        return str(self.value)
