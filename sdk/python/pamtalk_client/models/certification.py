from enum import StrEnum


class Certification(StrEnum):
    CARBON_NEUTRAL = "carbon_neutral"
    FAIR_TRADE = "fair_trade"
    GLOBAL_GAP = "global_gap"
    ISO_14001 = "iso_14001"
    ORGANIC = "organic"
    RAINFOREST_ALLIANCE = "rainforest_alliance"
    SOCIAL_ACCOUNTABILITY = "social_accountability"

    def __str__(self) -> str:
        return str(self.value)
