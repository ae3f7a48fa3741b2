from django.contrib import admin

from .models import CallDay, CallNowMessage, Invitation


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
    list_display = ["email", "chapter", "status", "created_at", "expires_at"]
    list_filter = ["status", "chapter"]
    search_fields = ["email"]
    list_select_related = ["chapter"]
