from enum import StrEnum


class Region(StrEnum):
    BUSAN = "Busan"
    CHUNGBUK = "Chungbuk"
    CHUNGNAM = "Chungnam"
    DAEGU = "Daegu"
    DAEJEON = "Daejeon"
    GANGWON = "Gangwon"
    GWANGJU = "Gwangju"
    GYEONGBUK = "Gyeongbuk"
    GYEONGGI = "Gyeonggi"
    GYEONGNAM = "Gyeongnam"
    INCHEON = "Incheon"
    JEJU = "Jeju"
    JEONBUK = "Jeonbuk"
    JEONNAM = "Jeonnam"
    SEJONG = "Sejong"
    SEOUL = "Seoul"
    ULSAN = "Ulsan"

    def __str__(self) -> str:
        return str(self.value)
