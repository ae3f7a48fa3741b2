"""Reads for authoring: a lead's campaigns, and the preview of a campaign's scripts filled for sample officials."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from officials.models import Division, Office, OfficeRole
from officials.selectors import OfficialEntry, office_entries
from targetlists.selectors import list_sample_entries

from .models import CONTENT_LANGUAGE, TRANSLATED_LANGUAGE, Action, Campaign
from .scripts import Caller, RenderedScript, render_script, unknown_placeholders


# ------------------------------------------------------------------------------
# Authoring
# ------------------------------------------------------------------------------
def campaign_list_managed(*, user) -> list[Campaign]:
    """Every campaign of the chapters the user leads, whatever its status."""
    chapter_ids = Membership.objects.leads().filter(user=user).values_list("chapter_id", flat=True)
    return list(
        Campaign.objects.filter(chapter_id__in=list(chapter_ids))
        .select_related("chapter")
        .order_by("status", "-created_at")
    )


def sample_officials_for_chapter(*, chapter) -> list[OfficialEntry]:
    """One office per role in the chapter's state (the first House district), for previews."""
    state = (getattr(chapter, "state", "") or "").upper()
    if not state:
        return []
    divisions = list(Division.objects.filter(state=state).values_list("pk", flat=True))
    offices = Office.objects.filter(is_active=True, division_id__in=divisions).order_by(
        "role", "division__ocd_id", "seat"
    )
    firsts: dict[str, int] = {}
    for office_id, role in offices.values_list("pk", "role"):
        if role != OfficeRole.ORGANISATION:
            firsts.setdefault(role, office_id)
    if not firsts:
        return []
    return office_entries(offices=Office.objects.filter(pk__in=firsts.values()))


@dataclass
class PreviewTarget:
    entry: OfficialEntry
    script: RenderedScript
    voicemail: RenderedScript
    # The Spanish versions, empty where the action has none.
    script_es: RenderedScript | None = None
    voicemail_es: RenderedScript | None = None


@dataclass
class ActionPreview:
    action: Action
    targets: list[PreviewTarget]
    warnings: list[str]
    missing_roles: list[str]


def _preview_target(action: Action, entry, *, caller, samples) -> PreviewTarget:
    def render(text, language):
        return render_script(text, official=entry, caller=caller, officials=samples, language=language)

    with translation.override(CONTENT_LANGUAGE):
        target = PreviewTarget(
            entry=entry,
            script=render(action.script, CONTENT_LANGUAGE),
            voicemail=render(action.voicemail_script, CONTENT_LANGUAGE),
        )
    # A list member's title and district follow the language the script is rendered in.
    with translation.override(TRANSLATED_LANGUAGE):
        if action.script_es.strip():
            target.script_es = render(action.script_es, TRANSLATED_LANGUAGE)
        if action.voicemail_script_es.strip():
            target.voicemail_es = render(action.voicemail_script_es, TRANSLATED_LANGUAGE)
    return target


def campaign_preview(*, campaign: Campaign, user) -> list[ActionPreview]:
    """Each action's scripts filled in for sample officials of the chapter's state, with warnings."""
    samples = sample_officials_for_chapter(chapter=campaign.chapter)
    state = (campaign.chapter.state if campaign.chapter else "") or ""
    caller = Caller.from_user(user, state=state.upper())
    labels = dict(OfficeRole.choices)
    previews = []
    actions = campaign.actions.order_by("position", "id").prefetch_related("target_offices")
    for action in actions:
        entries = [e for e in samples if e.role in action.target_roles]
        fixed = list(action.target_offices.all())
        if fixed:
            entries += office_entries(offices=fixed)
        if action.target_list_id is not None:
            entries += list_sample_entries(target_list_id=action.target_list_id)
        found = {e.role for e in entries}
        warnings = []
        texts = (
            (_("script"), action.script),
            (_("voicemail script"), action.voicemail_script),
            (_("Spanish script"), action.script_es),
            (_("Spanish voicemail script"), action.voicemail_script_es),
        )
        for label, text in texts:
            warnings += [
                _("Unknown placeholder %(placeholder)s in the %(text)s.") % {"placeholder": p, "text": label}
                for p in unknown_placeholders(text)
            ]
        if not action.target_roles and not fixed and action.target_list_id is None:
            warnings.append(_("This action has no targets: pick office roles or fixed offices."))
        previews.append(
            ActionPreview(
                action=action,
                targets=[_preview_target(action, e, caller=caller, samples=samples) for e in entries],
                warnings=warnings,
                missing_roles=[labels.get(r, r) for r in action.target_roles if r not in found],
            )
        )
    return previews
