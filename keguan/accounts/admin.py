from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import LoginLog, Organisation, User


@admin.register(User)
class KeguanUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "region", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = (*UserAdmin.fieldsets, ("科管", {"fields": ("full_name", "role", "region", "organisation", "enterprise", "phone")}))
    raw_id_fields = ("region", "enterprise", "organisation")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    raw_id_fields = ("region",)


@admin.register(LoginLog)
class LoginLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "event", "success", "ip")
    list_filter = ("success", "event")
