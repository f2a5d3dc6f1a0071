"""The rescue stations (救助管理站) in Django admin: the city administrator keeps the list; writes go through
core's recorded services (scope, full_clean, one audit event)."""

from django.contrib import admin

from core.admin import ScopedModelAdmin
from core.recorded import create_recorded, update_recorded

from .models import RescueStation


@admin.register(RescueStation)
class RescueStationAdmin(ScopedModelAdmin):
    list_display = ["name", "area", "address"]
    list_select_related = ["area"]
    search_fields = ["name"]
    fields = ["name", "area", "address"]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            saved = self._run_service(request, lambda: update_recorded(
                obj, values, allowed=tuple(self.fields), actor=request.user, action="child_care.rescuestation.update"))
        else:
            saved = self._run_service(request, lambda: create_recorded(
                RescueStation, values, actor=request.user, action="child_care.rescuestation.create"))
        obj.pk = saved.pk
