"""The officials' domain errors (plain: advocacy/errors.py says how they become HTTP)."""

from advocacy.errors import Unprocessable


class UnknownZip(Unprocessable):
    """A ZIP of the right shape (the schema's pattern) that no US ZIP list knows, such as 00000.

    The request is well formed: only the data can tell which ZIPs exist, hence a 422 that names the field.
    """

    code = "unknown_zip"

    def __init__(self, message: str, *, field: str):
        super().__init__(message, fields={field: [message]})
