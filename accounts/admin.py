from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError

from .emails import email_key
from .models import ApiToken, Chapter, LocationHistory, Membership, User


class _OneAccountPerMailbox:
    """The admin's side of User.email_key: a clear form error instead of the database's refusal."""

    def clean_email(self):
        email = self.cleaned_data["email"]
        others = User.objects.filter(email_key=email_key(email))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(
                "Another account already uses this mailbox (addresses differing only in case or a +tag are one mailbox)."
            )
        return email


class EmailUserCreationForm(_OneAccountPerMailbox, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("email",)


class EmailUserChangeForm(_OneAccountPerMailbox, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class LocationHistoryInline(admin.TabularInline):
    """Read-only: the ZIP codes the caller held and when (whose constituent they were)."""

    model = LocationHistory
    extra = 0
    can_delete = False
    fields = ["zip_code", "state", "district_ocd_id", "valid_from", "valid_to", "is_move", "allowed_by_staff"]
    readonly_fields = fields
    ordering = ["-valid_from", "-id"]

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined_at"]


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["chapter"]
    fields = ["chapter", "role", "joined_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "state", "zip_code", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "state", "reminder_frequency", "memberships__chapter"]
    search_fields = ["email", "name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [UserMembershipInline, LocationHistoryInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {
                "fields": (
                    "name",
                    "zip_code",
                    "state",
                    "district_ocd_id",
                    "time_zone",
                    "reminder_frequency",
                    "call_now_emails",
                    "state_move_allowed",
                )
            },
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        # The add form is email and password only; chapters come once the user exists.
        return self.inlines if obj is not None else []


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "state", "time_zone", "invitation_daily_limit", "created_at"]
    list_filter = ["state", "time_zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see and revoke tokens, never create one here: a key must be shown to its owner once."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False
