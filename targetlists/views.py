"""The leads' pages for a chapter's target lists (upload, preview, fix, confirm), and the caller's chooser."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import chapter_get_for_lead, chapter_is_member
from advocacy.errors import ApplicationError
from officials.selectors import InvalidZipCode, normalise_zip

from . import selectors, services
from .forms import TargetListChoiceForm, TargetListRenameForm, TargetListUploadForm
from .models import TargetList, TargetListMember
from .rows import COLUMNS, max_bytes, parse_csv


def _chapter(request, slug):
    chapter = chapter_get_for_lead(slug=slug, user=request.user)
    if chapter is None:
        raise Http404()
    return chapter


@login_required
def target_list_index(request, slug):
    chapter = _chapter(request, slug)
    return render(
        request,
        "targetlists/index.html",
        {"chapter": chapter, "lists": selectors.target_lists_for_chapter(chapter=chapter), "columns": COLUMNS},
    )


@login_required
def target_list_new(request, slug):
    chapter = _chapter(request, slug)
    return _import_page(request, chapter=chapter, target_list=None)


@login_required
def target_list_reimport(request, slug, list_id):
    chapter = _chapter(request, slug)
    target_list = selectors.target_list_get_for_lead(chapter=chapter, list_id=list_id, user=request.user)
    return _import_page(request, chapter=chapter, target_list=target_list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _read_upload(form) -> tuple[bytes, str]:
    """The file's bytes (at most one past the limit, so a big file is refused unread) or the pasted text."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        data = upload.read(max_bytes() + 1)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        return data, text
    text = form.cleaned_data.get("text") or ""
    return text.encode(), text


def _import_page(request, *, chapter, target_list):
    needs_name = target_list is None
    form = TargetListUploadForm(request.POST or None, request.FILES or None, needs_name=needs_name)
    context = {"chapter": chapter, "target_list": target_list, "form": form, "columns": COLUMNS}
    if request.method != "POST":
        return render(request, "targetlists/import.html", context)
    if not form.is_valid():
        return render(request, "targetlists/import.html", context, status=422)
    data, text = _read_upload(form)
    name = form.cleaned_data.get("name")
    confirming = request.POST.get("step") == "confirm"
    if confirming and form.cleaned_data.get("digest") != _digest(text):
        messages.warning(request, _("The list changed since the preview: check the new preview, then import."))
        confirming = False
    parsed = parse_csv(data)
    report = None
    errors: list[str] = []
    if parsed.ok:
        try:
            report = services.target_list_import(
                chapter=chapter,
                parsed=parsed,
                user=request.user,
                name=name,
                target_list=target_list,
                dry_run=not confirming,
            )
        except services.TargetListInvalid as exc:
            parsed = exc.parsed
        except ValidationError as exc:
            errors = exc.messages
        except ApplicationError as exc:
            errors = [str(exc)]
    if confirming and report is not None:
        messages.success(
            request,
            _("Imported %(name)s: %(summary)s.") % {"name": report.target_list.name, "summary": report.summary()},
        )
        return redirect("targetlists:detail", slug=chapter.slug, list_id=report.target_list.pk)
    # The preview: the text goes back into the box, so a bad row can be fixed in place.
    context.update(
        form=TargetListUploadForm(initial={"name": name, "text": text, "digest": _digest(text)}, needs_name=needs_name),
        parsed=parsed,
        report=report,
        errors=errors,
        previewed=True,
    )
    return render(request, "targetlists/import.html", context, status=200 if report is not None else 422)


@login_required
def target_list_detail(request, slug, list_id):
    chapter = _chapter(request, slug)
    target_list = selectors.target_list_get_for_lead(chapter=chapter, list_id=list_id, user=request.user)
    members = selectors.target_list_members(target_list=target_list, include_retired=True)
    actions = list(target_list.actions.select_related("campaign").order_by("campaign__title", "position"))
    return render(
        request,
        "targetlists/detail.html",
        {
            "chapter": chapter,
            "target_list": target_list,
            "members": members,
            "actions": actions,
            "rename_form": TargetListRenameForm(initial={"name": target_list.name}),
        },
    )


@login_required
@require_POST
def target_list_rename(request, slug, list_id):
    chapter = _chapter(request, slug)
    target_list = selectors.target_list_get_for_lead(chapter=chapter, list_id=list_id, user=request.user)
    form = TargetListRenameForm(request.POST)
    if form.is_valid():
        try:
            services.target_list_rename(target_list=target_list, user=request.user, name=form.cleaned_data["name"])
            messages.success(request, _("List renamed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Give the list a name."))
    return redirect("targetlists:detail", slug=chapter.slug, list_id=target_list.pk)


@login_required
@require_POST
def target_list_delete(request, slug, list_id):
    chapter = _chapter(request, slug)
    target_list = selectors.target_list_get_for_lead(chapter=chapter, list_id=list_id, user=request.user)
    try:
        services.target_list_delete(target_list=target_list, user=request.user)
    except services.TargetListInUse as exc:
        messages.error(request, str(exc))
        return redirect("targetlists:detail", slug=chapter.slug, list_id=target_list.pk)
    messages.success(request, _("List deleted. Calls logged to its members still count."))
    return redirect("targetlists:index", slug=chapter.slug)


@login_required
@require_POST
def target_list_choose(request, list_id):
    """A caller picks their own member where several on an "own member" list represent their ZIP."""
    target_list = get_object_or_404(TargetList.objects.select_related("chapter"), pk=list_id)
    if not chapter_is_member(chapter=target_list.chapter, user=request.user):
        raise Http404()
    form = TargetListChoiceForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied(_("Pick one of the members for your ZIP code."))
    member = TargetListMember.objects.filter(pk=form.cleaned_data["member"]).first()
    try:
        zip5 = normalise_zip(request.user.zip_code or "")
    except InvalidZipCode:
        zip5 = ""
    if member is None or not zip5:
        messages.error(request, _("Pick one of the members for your ZIP code."))
    else:
        try:
            services.target_list_choice_set(user=request.user, target_list=target_list, member=member, zip5=zip5)
            messages.success(request, _("Saved: you will call %(name)s.") % {"name": member.office.title})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    next_url = form.cleaned_data.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def target_list_template(request):
    """An empty CSV with every column, for leads to fill in."""
    response = HttpResponse(",".join(COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="target-list.csv"'
    return response
