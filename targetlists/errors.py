"""The target lists' refusals: plain domain errors (advocacy/errors.py says how they become HTTP).

The rows' problems and the name's are ValidationErrors, which the pages show at the field; the API
answers them with its own codes (targetlists/api/views.py).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.errors import Conflict, Unprocessable

from .rows import ParsedList


class TargetListInvalid(ValidationError):
    """The rows have problems: nothing was written. `parsed` holds every problem with its row and column."""

    def __init__(self, parsed: ParsedList, *, api_fields: bool = False):
        self.parsed = parsed
        if api_fields:
            detail: dict = {}
            for p in parsed.problems:
                key = "rows" if p.row is None else f"rows.{p.row}.{p.column}" if p.column else f"rows.{p.row}"
                detail.setdefault(key, []).append(p.message)
            super().__init__(detail)
        else:
            super().__init__(parsed.problem_messages())


class TargetListNameBlank(ValidationError):
    """The list's name is only spaces: an error at the name."""

    def __init__(self):
        super().__init__({"name": _("Give the list a name.")})


class TargetListNameTaken(ValidationError):
    """Another list of the chapter has this name (case aside): an error at the name."""

    def __init__(self):
        super().__init__({"name": _("This chapter already has a list with this name.")})


class TargetListLimitReached(Unprocessable):
    code = "target_list_limit"
    default_message = gettext_lazy("This chapter already has the most target lists it may have.")


class TargetListInUse(Conflict):
    code = "target_list_in_use"
    default_message = gettext_lazy("Campaign actions use this list: change them first.")
