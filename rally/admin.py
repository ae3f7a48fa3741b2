from django.contrib import admin

from .models import CallDay, CallNowMessage, DoNotInvite, Invitation


@admin.register(CallDay)
class CallDayAdmin(admin.ModelAdmin):
    list_display = ["campaign", "chapter", "day", "starts_at", "ends_at"]
    list_filter = ["chapter"]
    list_select_related = ["campaign", "chapter"]


@admin.register(CallNowMessage)
class CallNowMessageAdmin(admin.ModelAdmin):
    list_display = ["campaign", "chapter", "day", "recipients", "status"]
    list_filter = ["status", "chapter"]
    list_select_related = ["campaign", "chapter"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "chapter", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["status", "chapter"]
    search_fields = ["email", "invited_by__email"]
    list_select_related = ["chapter", "invited_by"]


@admin.register(DoNotInvite)
class DoNotInviteAdmin(admin.ModelAdmin):
    """Mailboxes never invited again. Deleting a row (say, a bounce from a mail server's bad day) lets
    the mailbox be invited again."""

    list_display = ["email_key", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email_key"]
    readonly_fields = ["email_key", "reason", "detail", "created_at"]

    def has_add_permission(self, request):
        return False
