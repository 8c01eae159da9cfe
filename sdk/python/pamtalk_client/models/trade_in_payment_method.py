from enum import StrEnum


class TradeInPaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH_ON_DELIVERY = "cash_on_delivery"
    MOBILE_PAY = "mobile_pay"

    def __str__(self) -> str:
        return str(self.value)
