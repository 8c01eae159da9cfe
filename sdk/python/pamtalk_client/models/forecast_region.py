from enum import StrEnum


class ForecastRegion(StrEnum):
    BUSAN = "Busan"
    CHUNGBUK = "Chungbuk"
    CHUNGCHEONG = "Chungcheong"
    CHUNGNAM = "Chungnam"
    DAEGU = "Daegu"
    DAEJEON = "Daejeon"
    GANGWON = "Gangwon"
    GWANGJU = "Gwangju"
    GYEONGBUK = "Gyeongbuk"
    GYEONGGI = "Gyeonggi"
    GYEONGNAM = "Gyeongnam"
    GYEONGSANG = "Gyeongsang"
    INCHEON = "Incheon"
    JEJU = "Jeju"
    JEOLLA = "Jeolla"
    JEONBUK = "Jeonbuk"
    JEONNAM = "Jeonnam"
    SEJONG = "Sejong"
    SEOUL = "Seoul"
    ULSAN = "Ulsan"

    def __str__(self) -> str:
        return str(self.value)
