# Una sola forma de fecha en cada página y correo: "24 nov 2026", "24 nov 2026, 18:34" (mes en minúsculas).
DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j b"
