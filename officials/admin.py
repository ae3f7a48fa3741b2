from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .attention import officials_needing_attention
from .forms import IncomingOfficeholderAdminForm, WrongNumberReportAdminForm
from .models import (
    ContactPoint,
    ContactPointChange,
    Division,
    IncomingOfficeholder,
    Office,
    OfficeRole,
    PendingChange,
    Person,
    RefreshRun,
    Term,
    WrongNumberReport,
    ZipDivision,
    ZipMap,
)
from .review import incoming_officeholder_record, pending_change_approve, pending_change_reject
from .selectors import officials_refresh_warning
from .services import contact_point_fix, wrong_number_report_dismiss


class StateListFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        states = Division.objects.exclude(state="").order_by("state").values_list("state", flat=True).distinct()
        return [(s, s) for s in states]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(division__state=self.value())
        return queryset


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "ocd_id", "kind", "state", "valid_through"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "ocd_id"]
    raw_id_fields = ["parent"]


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ["person", "office", "start", "end", "party", "source"]
    raw_id_fields = ["person", "office"]
    ordering = ["-start"]


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 1
    fields = ["kind", "value", "label", "hours", "address", "is_capitol", "position", "person", "is_active"]
    raw_id_fields = ["person"]
    show_change_link = True


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """Seats come from the importers; organisations (role "Organisation", e.g. the DOJ) are made here."""

    list_display = ["__str__", "role", "division", "seat", "current_holder", "is_active"]
    list_filter = ["role", StateListFilter, "is_active"]
    search_fields = ["title", "name", "division__name", "division__ocd_id", "division__state"]
    raw_id_fields = ["division"]
    inlines = [TermInline, ContactPointInline]
    fieldsets = [
        (None, {"fields": ["role", "name", "title", "division", "seat", "website", "is_active"]}),
    ]

    def get_queryset(self, request):
        holder = Term.objects.current().filter(office=OuterRef("pk")).order_by("-start").values("person__name")[:1]
        return super().get_queryset(request).select_related("division").annotate(holder_name=Subquery(holder))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("role", OfficeRole.ORGANISATION)
        return initial

    @admin.display(description="Current holder", ordering="holder_name")
    def current_holder(self, office):
        return office.holder_name or "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContactPoint:
            return super().save_formset(request, form, formset, change)
        # Edits to an existing contact point go through the audited fix, so who changed what is kept.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.is_active = False  # retire, never delete: reports and history point at it
            obj.save(update_fields=["is_active", "updated_at"])
        for cp in instances:
            if cp.pk is None:
                cp.origin = "staff"  # typed by a person: not replaced by a machine source unreviewed
                cp.save()
                continue
            old = ContactPoint.objects.get(pk=cp.pk)
            audited = {k: getattr(cp, k) for k in ("value", "label", "hours") if getattr(cp, k) != getattr(old, k)}
            for k in audited:
                setattr(cp, k, getattr(old, k))
            cp.save()
            if audited:
                try:
                    contact_point_fix(contact_point=cp, changed_by=request.user, **audited)
                except ValidationError as exc:
                    messages.error(request, f"{cp}: {' '.join(exc.messages)}")
        formset.save_m2m()


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "party", "bioguide_id", "openstates_id"]
    list_filter = ["party"]
    search_fields = ["name", "given_name", "family_name", "bioguide_id", "openstates_id", "wikidata_id"]
    inlines = [TermInline]


@admin.register(ZipDivision)
class ZipDivisionAdmin(admin.ModelAdmin):
    list_display = ["zcta", "state", "division", "zip_map"]
    list_filter = ["zip_map", "state"]
    search_fields = ["zcta", "division__ocd_id"]
    raw_id_fields = ["division"]
    list_select_related = ["division"]


class ContactPointChangeInline(admin.TabularInline):
    model = ContactPointChange
    extra = 0
    fields = ["changed_at", "changed_by", "field", "old_value", "new_value", "report"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = ["__str__", "office", "person", "kind", "is_active", "open_reports"]
    list_filter = ["kind", "is_active", "is_capitol"]
    search_fields = ["value", "label", "office__title", "office__name", "person__name", "source_key"]
    raw_id_fields = ["office", "person"]
    readonly_fields = ["source_key", "updated_at"]
    inlines = [ContactPointChangeInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("office", "person")
            .annotate(n_open=Count("reports", filter=Q(reports__status=WrongNumberReport.Status.OPEN)))
        )

    @admin.display(description="Open reports", ordering="n_open")
    def open_reports(self, cp):
        return cp.n_open

    def save_model(self, request, obj, form, change):
        if not change:
            obj.origin = "staff"
            return super().save_model(request, obj, form, change)
        old = ContactPoint.objects.get(pk=obj.pk)
        audited = {k: getattr(obj, k) for k in ("value", "label", "hours") if getattr(obj, k) != getattr(old, k)}
        for k in audited:
            setattr(obj, k, getattr(old, k))
        super().save_model(request, obj, form, change)
        if audited:
            contact_point_fix(contact_point=obj, changed_by=request.user, **audited)


@admin.register(WrongNumberReport)
class WrongNumberReportAdmin(admin.ModelAdmin):
    """Staff work through reports: open one, type the right number and save; or dismiss."""

    form = WrongNumberReportAdminForm
    list_display = ["created_at", "status", "office", "contact_point_value", "reason", "reporter"]
    list_filter = ["status", "contact_point__kind"]
    search_fields = ["reason", "contact_point__value", "contact_point__office__title", "reporter__email"]
    list_select_related = ["contact_point__office", "reporter"]
    readonly_fields = ["contact_point_link", "reason", "reporter", "created_at", "resolved_by", "resolved_at"]
    fields = [
        "contact_point_link",
        "reason",
        "reporter",
        "created_at",
        "status",
        "corrected_value",
        "resolution_note",
        "resolved_by",
        "resolved_at",
    ]
    actions = ["dismiss_reports"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Office")
    def office(self, report):
        return report.contact_point.office

    @admin.display(description="Reported value")
    def contact_point_value(self, report):
        return f"{report.contact_point.label}: {report.contact_point.display_value}"

    @admin.display(description="Contact point")
    def contact_point_link(self, report):
        cp = report.contact_point
        url = reverse("admin:officials_contactpoint_change", args=[cp.pk])
        return format_html('<a href="{}">{} — {}: {}</a>', url, cp.office, cp.label, cp.display_value)

    def save_model(self, request, obj, form, change):
        corrected = form.cleaned_data.get("corrected_value")
        if corrected:
            contact_point_fix(
                contact_point=obj.contact_point,
                changed_by=request.user,
                value=corrected,
                report=obj,
                note=form.cleaned_data.get("resolution_note", ""),
            )
            obj.refresh_from_db()
            return
        if "status" in form.changed_data and obj.status != WrongNumberReport.Status.OPEN:
            obj.resolved_by = request.user
            obj.resolved_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Dismiss the selected reports (the number is right)")
    def dismiss_reports(self, request, queryset):
        n = 0
        for report in queryset.filter(status=WrongNumberReport.Status.OPEN):
            wrong_number_report_dismiss(report=report, resolved_by=request.user)
            n += 1
        self.message_user(request, f"Dismissed {n} report(s).", messages.SUCCESS)


@admin.register(ZipMap)
class ZipMapAdmin(admin.ModelAdmin):
    """Maps are loaded with `import_zip_districts FILE --effective YYYY-MM-DD`; rows without a map are the undated one."""

    list_display = ["effective_from", "source", "imported_at", "n_rows"]
    readonly_fields = ["effective_from", "source", "imported_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(row_count=Count("rows"))

    @admin.display(description="ZIP rows", ordering="row_count")
    def n_rows(self, zip_map):
        return zip_map.row_count

    def has_add_permission(self, request):
        return False


@admin.register(RefreshRun)
class RefreshRunAdmin(admin.ModelAdmin):
    """Each `refresh_officials` run, by hand or from the weekly beat, with its change report."""

    list_display = ["started_at", "finished_at", "status", "dry_run", "changed", "held", "held_sources"]
    list_filter = ["status", "dry_run", "changed"]
    readonly_fields = [
        "started_at",
        "finished_at",
        "status",
        "dry_run",
        "changed",
        "held",
        "held_sources",
        "sources",
        "report_text",
        "error",
    ]
    fields = readonly_fields

    @admin.display(description="Report")
    def report_text(self, run):
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', run.report)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if message := officials_refresh_warning():
            messages.warning(request, message)
        return super().changelist_view(request, extra_context)


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """Officials changes to review: what a refresh held for a person to decide (officials/importers/policy.py)."""

    list_display = ["office", "field", "current_value", "proposed_value", "source", "reason", "status", "created_at"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["office__title", "field", "current_value", "proposed_value", "reason"]
    list_select_related = ["office"]
    readonly_fields = [
        "kind",
        "status",
        "office",
        "field",
        "current_value",
        "proposed_value",
        "source",
        "reason",
        "created_at",
        "last_proposed_at",
        "decided_by",
        "decided_at",
    ]
    fields = readonly_fields
    actions = ["approve", "reject"]
    change_form_template = "admin/officials/pendingchange/change_form.html"
    change_list_template = "admin/officials/pendingchange/change_list.html"

    def get_queryset(self, request):
        # Held changes first: that is the work; decided ones stay below for the record.
        held_first = Case(When(status=PendingChange.Status.HELD, then=Value(0)), default=Value(1))
        return super().get_queryset(request).annotate(held_first=held_first).order_by("held_first", "-last_proposed_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, decide, verb: str) -> None:
        done, errors = 0, []
        for change in queryset.filter(status=PendingChange.Status.HELD).order_by("kind", "pk"):
            try:
                decide(change=change, user=request.user)
                done += 1
            except ValidationError as exc:
                errors.append(f"{change}: {' '.join(exc.messages)}")
        self.message_user(request, f"{verb} {done} change(s).", messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.ERROR)

    @admin.action(description="Approve the selected changes (apply them)", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, pending_change_approve, "Approved and applied")

    @admin.action(description="Reject the selected changes (keep the data as it is)", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, pending_change_reject, "Rejected")

    def response_change(self, request, obj):
        for key, decide, verb in (
            ("_approve", pending_change_approve, "Approved and applied"),
            ("_reject", pending_change_reject, "Rejected"),
        ):
            if key in request.POST:
                self._decide(request, PendingChange.objects.filter(pk=obj.pk), decide, verb)
                return HttpResponseRedirect(reverse("admin:officials_pendingchange_changelist"))
        return super().response_change(request, obj)

    def get_urls(self):
        return [
            path(
                "needs-attention/",
                self.admin_site.admin_view(self.needs_attention_view),
                name="officials_needs_attention",
            ),
            *super().get_urls(),
        ]

    def needs_attention_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Needs attention",
            "attention": officials_needing_attention(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/officials/needs_attention.html", context)


@admin.register(IncomingOfficeholder)
class IncomingOfficeholderAdmin(admin.ModelAdmin):
    """Incoming officeholders staff enter before any source lists them; each takes office on its first day."""

    form = IncomingOfficeholderAdminForm
    list_display = ["name", "office", "party", "first_day", "person", "created_by"]
    list_filter = ["first_day", "office__role"]
    search_fields = ["name", "office__title"]
    autocomplete_fields = ["office"]
    list_select_related = ["office", "person", "created_by"]

    def save_model(self, request, obj, form, change):
        incoming_officeholder_record(incoming=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        # The Person and Term it made may have calls logged against them: end the term in the office instead.
        return False
