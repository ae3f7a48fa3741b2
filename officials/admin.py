from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .forms import WrongNumberReportAdminForm
from .models import (
    ContactPoint,
    ContactPointChange,
    Division,
    Office,
    OfficeRole,
    Person,
    RefreshRun,
    Term,
    WrongNumberReport,
    ZipDivision,
    ZipMap,
)
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

    list_display = ["started_at", "finished_at", "status", "dry_run", "changed"]
    list_filter = ["status", "dry_run", "changed"]
    readonly_fields = ["started_at", "finished_at", "status", "dry_run", "changed", "sources", "report_text", "error"]
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
