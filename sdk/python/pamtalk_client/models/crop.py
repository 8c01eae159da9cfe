from enum import StrEnum


class Crop(StrEnum):
    CABBAGE = "cabbage"
    CARROTS = "carrots"
    LETTUCE = "lettuce"
    RICE = "rice"
    TOMATOES = "tomatoes"

    def __str__(self) -> str:
        return str(self.value)
