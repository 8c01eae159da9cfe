from enum import StrEnum


class EntryKind(StrEnum):
    ESG_ASSESSED = "esg_assessed"
    TOKEN_BURNED = "token_burned"
    TOKEN_MINTED = "token_minted"
    TOKEN_TRANSFERRED = "token_transferred"
    TRADE_SETTLED = "trade_settled"

    def __str__(self) -> str:
        return str(self.value)
