"""The platform's date range: every day a person can name (dashboards, exports, the tally API) lies in it.

Defined once here: the API's date field (advocacy/api/fields.py) and the dashboards' date ranges
(tallies/date_ranges.py) both read it. Farther days mean nothing for calls, and one past the end
would overflow `end + 1 day`.
"""

import datetime as dt

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
