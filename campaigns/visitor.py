"""A visitor's first look, without an account.

A visitor enters a ZIP on a campaign page and sees their officials, phone numbers and the filled
script. The ZIP lives in their session only (nothing else is stored server-side, nothing is
logged). The first outcome they tap is kept in the session too, and logged, once, when they
sign in (which needs a confirmed email): `pending_call_log`, run on Django's user_logged_in.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.adapters import AFTER_LOGIN_SESSION_KEY
from accounts.services import user_location_set
from advocacy.errors import ApplicationError
from officials.models import Office
from tallies.models import Outcome
from tallies.services import call_log_create

from .models import Action, Campaign

logger = logging.getLogger(__name__)

VISITOR_SESSION_KEY = "campaigns.visitor"
PENDING_CALL_SESSION_KEY = "campaigns.pending_call"


def visitor_location(session) -> tuple[str, str]:
    """(ZIP, district) a visitor entered, or ("", "")."""
    data = session.get(VISITOR_SESSION_KEY) or {}
    return data.get("zip", ""), data.get("district", "")


def visitor_location_set(session, *, zip_code: str, district: str = "") -> None:
    session[VISITOR_SESSION_KEY] = {"zip": zip_code.strip(), "district": district.strip()}


def pending_call_keep(session, *, campaign: Campaign, action_id: int, office_id: int, outcome: str, note: str) -> None:
    """Keep a visitor's first outcome to log after they sign in; a later tap replaces it (one call only)."""
    session[PENDING_CALL_SESSION_KEY] = {
        "campaign": campaign.slug,
        "action": action_id,
        "office": office_id,
        "outcome": outcome,
        "note": note,
        # Logged under this key: a second sign-in in the same session never logs it twice.
        "key": f"visitor-{uuid.uuid4()}",
    }
    session[AFTER_LOGIN_SESSION_KEY] = reverse("campaigns:detail", args=[campaign.slug]) + "#actions"


def pending_call(session) -> dict | None:
    return session.get(PENDING_CALL_SESSION_KEY)


def pending_call_log(*, request, user) -> None:
    """Log the outcome a visitor kept, now that they have signed in; say how it went at the top of the page.

    A visitor's ZIP becomes their profile's ZIP if they have none yet, so the call counts for
    their own officials. A refusal (the office is not one of theirs, the limit) is said, not raised.
    """
    session = getattr(request, "session", None)
    data = session.pop(PENDING_CALL_SESSION_KEY, None) if session is not None else None
    if not data:
        return
    zip_code, district = visitor_location(session)
    try:
        campaign = Campaign.objects.get(slug=data["campaign"])
        action = Action.objects.get(pk=data["action"], campaign=campaign)
        office = Office.objects.get(pk=data["office"])
        if zip_code and not user.zip_code:
            user_location_set(user=user, zip_code=zip_code, district_ocd_id=district)
        call, _created = call_log_create(
            user=user,
            campaign=campaign,
            action=action,
            office=office,
            outcome=data["outcome"],
            note=data.get("note", ""),
            idempotency_key=data["key"],
        )
    except (Campaign.DoesNotExist, Action.DoesNotExist, Office.DoesNotExist):
        messages.error(request, _("The call you tapped before signing up is no longer part of the campaign."))
        return
    except (ApplicationError, ValidationError) as exc:
        reason = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
        messages.error(request, _("Your call could not be logged: %(reason)s") % {"reason": reason})
        return
    outcome = Outcome(call.outcome).label.lower()
    messages.success(
        request,
        _("Welcome! The call you made before signing up is logged: %(outcome)s, %(office)s.")
        % {"outcome": outcome, "office": office},
    )
