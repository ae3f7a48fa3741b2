# One date format per language on every page and email: "Nov 24, 2026", "Nov 24, 2026, 18:34".
DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "M j"
