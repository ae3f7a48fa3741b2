"""Writes for campaigns: authoring by chapter leads, replies, and the demo campaign."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.selectors import chapter_is_led_by
from advocacy.cache import window_count
from officials.models import OfficeRole

from .models import Action, Campaign, Reply
from .scripts import unknown_placeholders

logger = logging.getLogger(__name__)

# Slugs that would shadow a page under /campaigns/.
RESERVED_SLUGS = {"manage", "new"}
REPLY_RATE_LIMIT = 5
REPLY_RATE_WINDOW = 10 * 60  # seconds
CAMPAIGN_FIELDS = (
    "title",
    "slug",
    "summary",
    "background",
    "title_es",
    "summary_es",
    "background_es",
    "starts_at",
    "ends_at",
    "call_goal",
)
ACTION_FIELDS = (
    "kind",
    "title",
    "position",
    "instructions",
    "script",
    "voicemail_script",
    "title_es",
    "instructions_es",
    "script_es",
    "voicemail_script_es",
    "target_roles",
    "target_list_mode",
)
_NO_LIST = object()


class ReplyRateLimited(ValidationError):
    pass


def _require_lead(*, campaign: Campaign, user) -> None:
    if campaign.chapter_id is None or not chapter_is_led_by(chapter=campaign.chapter, user=user):
        raise PermissionDenied(_("Only a lead of this campaign's chapter can change it."))


def _unique_slug(*, title: str, slug: str = "", exclude_pk=None) -> str:
    base = slugify(slug or title)[:280] or "campaign"
    if base in RESERVED_SLUGS:
        base = f"{base}-campaign"
    candidate, n = base, 2
    others = Campaign.objects.exclude(pk=exclude_pk) if exclude_pk else Campaign.objects.all()
    while others.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _validate_dates(campaign: Campaign) -> None:
    if campaign.starts_at and campaign.ends_at and campaign.ends_at <= campaign.starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})


@transaction.atomic
def campaign_create(*, user, chapter, categories=(), **data) -> Campaign:
    """A draft campaign for a chapter the user leads."""
    if chapter is None or not chapter_is_led_by(chapter=chapter, user=user):
        raise PermissionDenied(_("You can only create campaigns for a chapter you lead."))
    fields = {k: data[k] for k in CAMPAIGN_FIELDS if k in data}
    fields["slug"] = _unique_slug(title=fields.get("title", ""), slug=fields.get("slug", ""))
    campaign = Campaign(chapter=chapter, created_by=user, status=Campaign.Status.DRAFT, **fields)
    _validate_dates(campaign)
    campaign.full_clean(exclude=["chapter", "created_by"])
    campaign.save()
    campaign.categories.set(categories)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, user, categories=None, **data) -> Campaign:
    _require_lead(campaign=campaign, user=user)
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    if "slug" in data or "title" in data:
        campaign.slug = _unique_slug(title=campaign.title, slug=campaign.slug, exclude_pk=campaign.pk)
    _validate_dates(campaign)
    campaign.full_clean(exclude=["chapter", "created_by"])
    campaign.save()
    if categories is not None:
        campaign.categories.set(categories)
    return campaign


def _clean_roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles or []))
    bad = [r for r in roles if r not in OfficeRole.values or r in (OfficeRole.ORGANISATION, OfficeRole.LIST_TARGET)]
    if bad:
        raise ValidationError({"target_roles": f"Unknown office roles: {', '.join(map(str, bad))}."})
    return [str(r) for r in roles]


SCRIPT_FIELDS = ("script", "voicemail_script", "script_es", "voicemail_script_es")


def _refuse_unknown_placeholders_when_live(action: Action) -> None:
    """A published campaign's volunteers would see an unknown placeholder at once; a draft's wait for publishing."""
    if action.campaign.status != Campaign.Status.ACTIVE:
        return
    errors = {
        name: _("Unknown placeholders: %(placeholders)s. Fill them in or use one from the list.")
        % {"placeholders": ", ".join(unknown)}
        for name in SCRIPT_FIELDS
        if (unknown := unknown_placeholders(getattr(action, name)))
    }
    if errors:
        raise ValidationError(errors)


def _check_target_list(*, campaign: Campaign, target_list) -> None:
    """A chapter's target list serves only that chapter's campaigns."""
    if target_list is not None and target_list.chapter_id != campaign.chapter_id:
        raise ValidationError({"target_list": _("Pick one of this chapter's target lists.")})


@transaction.atomic
def action_create(*, campaign: Campaign, user, target_offices=(), target_list=None, **data) -> Action:
    _require_lead(campaign=campaign, user=user)
    _check_target_list(campaign=campaign, target_list=target_list)
    fields = {k: data[k] for k in ACTION_FIELDS if k in data}
    fields["target_list"] = target_list
    fields["target_roles"] = _clean_roles(fields.get("target_roles"))
    if "position" not in fields:
        last = campaign.actions.order_by("-position").values_list("position", flat=True).first()
        fields["position"] = (last or 0) + 1
    action = Action(campaign=campaign, **fields)
    action.full_clean(exclude=["campaign"])
    _refuse_unknown_placeholders_when_live(action)
    action.save()
    action.target_offices.set(target_offices)
    return action


@transaction.atomic
def action_update(*, action: Action, user, target_offices=None, target_list=_NO_LIST, **data) -> Action:
    _require_lead(campaign=action.campaign, user=user)
    if target_list is not _NO_LIST:
        _check_target_list(campaign=action.campaign, target_list=target_list)
        action.target_list = target_list
    for name in ACTION_FIELDS:
        if name in data:
            setattr(action, name, _clean_roles(data[name]) if name == "target_roles" else data[name])
    action.full_clean(exclude=["campaign"])
    _refuse_unknown_placeholders_when_live(action)
    action.save()
    if target_offices is not None:
        action.target_offices.set(target_offices)
    return action


@transaction.atomic
def action_delete(*, action: Action, user) -> None:
    _require_lead(campaign=action.campaign, user=user)
    if action.call_logs.exists():
        raise ValidationError(_("Calls were logged for this action, so it stays. Archive the campaign instead."))
    action.delete()


def action_unknown_placeholders(*, actions) -> list[str]:
    """The placeholders nobody recognises in the actions' scripts (either language), as written."""
    found: list[str] = []
    for action in actions:
        for text in (action.script, action.voicemail_script, action.script_es, action.voicemail_script_es):
            found += [p for p in unknown_placeholders(text) if p not in found]
    return found


@transaction.atomic
def campaign_publish(*, campaign: Campaign, user) -> Campaign:
    """Make a draft (or archived) campaign active. It needs at least one action with a target."""
    _require_lead(campaign=campaign, user=user)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    actions = list(campaign.actions.prefetch_related("target_offices"))
    if not actions:
        raise ValidationError(_("Add at least one action before publishing."))
    if any(not a.target_roles and not a.target_offices.all() and a.target_list_id is None for a in actions):
        raise ValidationError(_("Every action needs a target: pick office roles, fixed offices or a target list."))
    unknown = action_unknown_placeholders(actions=actions)
    if unknown:
        # Volunteers would read the brackets as written: the lead edits them away first.
        raise ValidationError(
            _("Edit away the unknown placeholders before publishing: %(placeholders)s.")
            % {"placeholders": ", ".join(unknown)}
        )
    campaign.status = Campaign.Status.ACTIVE
    campaign.published_at = campaign.published_at or timezone.now()
    campaign.save(update_fields=["status", "published_at", "updated_at"])
    return campaign


@transaction.atomic
def campaign_archive(*, campaign: Campaign, user) -> Campaign:
    _require_lead(campaign=campaign, user=user)
    campaign.status = Campaign.Status.ARCHIVED
    campaign.save(update_fields=["status", "updated_at"])
    return campaign


# ------------------------------------------------------------------------------
# Replies
# ------------------------------------------------------------------------------
def _reply_rate_check(*, user) -> None:
    """At most REPLY_RATE_LIMIT replies per user per window; a cache outage lets replies through."""
    count = window_count(f"campaigns:reply-rate:{user.pk}", timeout=REPLY_RATE_WINDOW)
    if count > REPLY_RATE_LIMIT:
        raise ReplyRateLimited(
            f"You have posted {REPLY_RATE_LIMIT} replies in the last {REPLY_RATE_WINDOW // 60} minutes. "
            "Please wait a few minutes before posting again."
        )


def reply_create(*, campaign: Campaign, user, body: str) -> Reply:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a few words about what the office said.")})
    if len(body) > 2000:
        raise ValidationError({"body": _("Keep replies under 2,000 characters.")})
    _reply_rate_check(user=user)
    return Reply.objects.create(campaign=campaign, author=user, body=body)


def reply_can_moderate(*, reply: Reply, user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    chapter = reply.campaign.chapter
    return chapter is not None and chapter_is_led_by(chapter=chapter, user=user)


def reply_hide(*, reply: Reply, user) -> Reply:
    if not reply_can_moderate(reply=reply, user=user):
        raise PermissionDenied(_("Only the chapter's leads and staff can hide replies."))
    reply.is_hidden = True
    reply.hidden_by = user
    reply.save(update_fields=["is_hidden", "hidden_by"])
    return reply


# The demo campaign lives in campaigns/demo.py; its entry point stays reachable from here.
from .demo import DEMO_SLUG, DEMO_TITLE, campaign_demo_create, doj_office_get_or_create  # noqa: E402, F401
