from django.contrib import admin

from .models import TargetList, TargetListMember


class TargetListMemberInline(admin.TabularInline):
    model = TargetListMember
    extra = 0
    fields = ["office", "external_id", "district", "district_es", "title_es", "zips", "position", "retired_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # members come from an import (page, command or API), which keeps offices and terms right


@admin.register(TargetList)
class TargetListAdmin(admin.ModelAdmin):
    list_display = ["name", "chapter", "is_sample", "updated_at"]
    list_filter = ["chapter", "is_sample"]
    search_fields = ["name", "chapter__name"]
    readonly_fields = ["chapter", "created_by", "created_at", "updated_at"]
    inlines = [TargetListMemberInline]
