from django.contrib import admin

from .models import CampaignAnnouncement, ReminderDelivery


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "key", "status", "attempts", "sent_at", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["email", "user__email", "key"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "campaign"]
    readonly_fields = ["claim_token", "claimed_at", "attempts", "created_at", "sent_at", "error"]
    show_full_result_count = False  # the table grows by every volunteer every week


@admin.register(CampaignAnnouncement)
class CampaignAnnouncementAdmin(admin.ModelAdmin):
    list_display = ["campaign", "completed_at", "sent"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign"]
    search_fields = ["campaign__title"]
