from django import forms
from django.contrib import admin
from django.utils import timezone

from officials.models import OfficeRole

from .cache import invalidate_campaigns
from .models import Action, Campaign, Category, Reply
from .scripts import unknown_placeholders

ROLE_CHOICES = [
    (value, label)
    for value, label in OfficeRole.choices
    if value not in (OfficeRole.ORGANISATION, OfficeRole.LIST_TARGET)
]


class ActionAdminForm(forms.ModelForm):
    target_roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Action
        fields = [
            "position",
            "kind",
            "title",
            "instructions",
            "script",
            "voicemail_script",
            "target_roles",
            "target_offices",
            "target_list",
            "target_list_mode",
        ]

    def clean(self):
        data = super().clean()
        unknown = unknown_placeholders(data.get("script", "")) + unknown_placeholders(data.get("voicemail_script", ""))
        if unknown:
            # A warning, not an error: authors may mean a bracket to be read out as written.
            self.warnings = unknown
        return data


class ActionInline(admin.StackedInline):
    model = Action
    form = ActionAdminForm
    extra = 0
    fields = [
        "position",
        "kind",
        "title",
        "instructions",
        "script",
        "voicemail_script",
        "target_roles",
        "target_offices",
        "target_list",
        "target_list_mode",
    ]
    filter_horizontal = ["target_offices"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "target_offices":
            from officials.models import Office

            kwargs["queryset"] = Office.objects.organisations()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    fields = ["author", "body", "created_at", "is_hidden"]
    readonly_fields = ["author", "body", "created_at"]
    can_delete = True
    show_change_link = True


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "chapter", "call_goal", "starts_at", "ends_at", "published_at"]
    list_filter = ["status", "chapter", "categories"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories"]
    list_select_related = ["chapter"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [ActionInline, ReplyInline]
    actions = ["publish", "archive"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if obj.status == Campaign.Status.ACTIVE and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            for placeholder in getattr(inline_form, "warnings", []):
                self.message_user(
                    request, f"Unknown placeholder {placeholder}: it will be shown as written.", "warning"
                )

    @admin.action(description="Publish the selected campaigns")
    def publish(self, request, queryset):
        queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
        queryset.update(status=Campaign.Status.ACTIVE)
        _campaigns_changed()

    @admin.action(description="Archive the selected campaigns")
    def archive(self, request, queryset):
        queryset.update(status=Campaign.Status.ARCHIVED)
        _campaigns_changed()


def _campaigns_changed() -> None:
    """A bulk update sends no signal: replace the campaigns generation (campaigns/cache.py) ourselves."""
    invalidate_campaigns()


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["campaign", "author", "created_at", "is_hidden", "short_body"]
    list_filter = ["is_hidden", "campaign"]
    search_fields = ["body", "author__email"]
    list_select_related = ["campaign", "author"]
    raw_id_fields = ["author", "hidden_by"]
    actions = ["hide", "unhide"]

    @admin.display(description="Reply")
    def short_body(self, obj):
        return obj.body[:80]

    @admin.action(description="Hide the selected replies")
    def hide(self, request, queryset):
        queryset.update(is_hidden=True, hidden_by=request.user)

    @admin.action(description="Show the selected replies again")
    def unhide(self, request, queryset):
        queryset.update(is_hidden=False, hidden_by=None)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
