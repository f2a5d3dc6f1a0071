"""Django admin for administrators, restricted by the same scope as every page.

Writes from the admin go through the same services as the pages and the API.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import grants, services
from .choices import Role
from .models import (
    Area,
    AreaPopulation,
    AreaSuccession,
    AuditEvent,
    Finding,
    FindingEscalation,
    StaffGrant,
    StaffProfile,
    WorkdayOverride,
)
from .querysets import perm_name
from .scope import scope_for


def _delete_selected_through_services(modeladmin, request, queryset):
    """Django's "delete selected", all or nothing: each row through the admin's ``delete_model``
    (a service: scope, guards, audit); the first refusal undoes the batch and is shown."""
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except (ValidationError, PermissionDenied, Http404) as exc:
        modeladmin.message_user(request, _refusal_text(exc), level=messages.ERROR)
        return None


def _refusal_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or str(_("You do not have permission to do this."))


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """Django's raw-id widget names the record an id points to, fetched through the model's default
    manager: any id typed or put in the query string would name a record outside the user's areas.
    This one looks the name up among the records the field may choose from, so an id outside
    them shows nothing, as an id of no record does."""

    def __init__(self, rel, admin_site, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        if not self.queryset.filter(**{key: value}).exists():
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedModelAdmin(admin.ModelAdmin):
    """Queryset, foreign-key choices and object permissions limited to the user's areas.

    An object outside them is a 404, not Django's "perhaps it was deleted" redirect.

    Writes go through services: an admin saves in ``save_model`` and deletes in ``delete_model``
    by calling one. An admin that does not override ``delete_model`` offers no deletion at all
    (no delete button, no "delete selected"); one that does gets "delete selected" routed through
    it row by row, in one transaction, so every deletion is checked, guarded and audited.
    """

    def _perm(self, action):
        return perm_name(self.model, action)

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model._default_manager
        if hasattr(related.get_queryset(), "restrict"):
            kwargs["queryset"] = related.get_queryset().restrict(request.user, "view")
            if db_field.name in self.raw_id_fields:
                kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site, kwargs["queryset"],
                                                     using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _covers(self, request, action, obj):
        scope = scope_for(request.user)
        if not scope.has_perm_somewhere(self._perm(action)):
            return False
        if obj is None:
            return True
        return type(obj)._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return scope_for(request.user).has_perm_somewhere(self._perm("view"))

    def has_view_permission(self, request, obj=None):
        return self._covers(request, "view", obj)

    def has_add_permission(self, request):
        return self._covers(request, "add", None)

    def has_change_permission(self, request, obj=None):
        return self._covers(request, "change", obj)

    @classmethod
    def deletes_through_service(cls) -> bool:
        return cls.delete_model is not ScopedModelAdmin.delete_model

    def has_delete_permission(self, request, obj=None):
        return self.deletes_through_service() and self._covers(request, "delete", obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_through_services, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:  # a guard of the service (e.g. areas still below this one)
            self.message_user(request, _refusal_text(exc), level=messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                                args=[object_id], current_app=self.admin_site.name))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("No such record."))

    def save_model(self, request, obj, form, change):
        raise NotImplementedError("Scoped admins save through a service")

    def delete_model(self, request, obj):
        raise PermissionDenied  # not offered (see deletes_through_service): no service deletes these

    def _run_service(self, request, fn):
        try:
            return fn()
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level=messages.ERROR)
            raise


@admin.register(Area)
class AreaAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Validity is set by a re-division (services.redivide_areas), never by hand.
        return ["code", "level", "parent", "valid_from", "valid_to"] if obj else ["valid_from", "valid_to"]

    def save_model(self, request, obj, form, change):
        if change:
            services.update_area(actor=request.user, area=obj, name=obj.name, kind=obj.kind)
        else:
            created = services.create_area(actor=request.user, code=obj.code, name=obj.name, level=obj.level,
                                           kind=obj.kind, parent_code=obj.parent.code if obj.parent else None)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.delete_area(actor=request.user, area=obj, reason="admin")


@admin.register(AreaPopulation)
class AreaPopulationAdmin(ScopedModelAdmin):
    list_display = ["area", "year", "resident", "registered"]
    list_filter = ["year"]
    search_fields = ["area__code", "area__name"]
    raw_id_fields = ["area"]

    def save_model(self, request, obj, form, change):
        saved = services.set_population(actor=request.user, area=obj.area, year=obj.year, resident=obj.resident,
                                        registered=obj.registered)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_population(actor=request.user, population=obj, reason="admin")


@admin.register(StaffGrant)
class StaffGrantAdmin(ScopedModelAdmin):
    """Grants are added and revoked within the actor's ceiling (core.grants), never edited: the role
    offered are those the actor may grant, and the form refuses what the service would."""

    list_display = ["user", "role", "area", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "area__code", "area__name"]
    autocomplete_fields = ["user", "area"]  # picked by name, not by typing an id

    def has_change_permission(self, request, obj=None):
        return False  # a grant is added or revoked, never edited

    def has_add_permission(self, request):
        return super().has_add_permission(request) and bool(grants.grantable_roles(request.user))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or grants.can_revoke(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["user", "role", "area"] if obj else []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            allowed = set(grants.grantable_roles(request.user))
            kwargs["choices"] = [("", "---------"), *[(v, label) for v, label in Role.choices if v in allowed]]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class GrantForm(base):
            def clean(self):
                cleaned = super().clean()
                user, role, area = cleaned.get("user"), cleaned.get("role"), cleaned.get("area")
                if user and role and area:
                    found = grants.refusal(actor, role, area, user=user)
                    if found is not None:
                        raise ValidationError(found.message)
                return cleaned

        return GrantForm

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        grant = services.grant_role(actor=request.user, user=obj.user, role=obj.role, area=obj.area)
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        services.revoke_role(actor=request.user, grant=obj, reason="admin")


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedModelAdmin):
    list_display = ["full_name", "user", "area", "masked_id", "masked_phone", "title"]
    search_fields = ["full_name", "user__username"]
    raw_id_fields = ["user", "area"]
    fields = ["user", "full_name", "area", "id_number", "phone", "title"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []  # a profile belongs to its user; another user's is theirs

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return obj.id_number.masked if obj.id_number else ""

    @admin.display(description=_("Phone"))
    def masked_phone(self, obj):
        return obj.phone.masked if obj.phone else ""

    def save_model(self, request, obj, form, change):
        saved = services.save_staff_profile(
            actor=request.user, user=obj.user, area=obj.area, full_name=obj.full_name, title=obj.title,
            id_number=form.cleaned_data.get("id_number") or "", phone=form.cleaned_data.get("phone") or "",
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_staff_profile(actor=request.user, profile=obj, reason="admin")


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_label", "area_code", "reason"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id", "request_id", "area_code"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(ScopedModelAdmin):
    list_display = ["title", "rule", "severity", "area", "due_date", "status", "raised_at"]
    list_filter = ["status", "severity", "rule"]
    search_fields = ["title", "target_label", "area__code"]
    list_select_related = ["area"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # closed from the inbox, with a resolution

    def has_delete_permission(self, request, obj=None):
        return False


class FindingEscalationInline(admin.TabularInline):
    """The finding's way up the hierarchy, shown with it."""

    model = FindingEscalation
    extra = 0
    can_delete = False
    fields = readonly_fields = ["escalated_at", "from_level", "to_level", "previous_due_date", "due_date"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # whoever may open the finding sees its history


FindingAdmin.inlines = [*FindingAdmin.inlines, FindingEscalationInline]
FindingAdmin.list_display = [*FindingAdmin.list_display, "level"]
FindingAdmin.list_filter = [*FindingAdmin.list_filter, "level"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ScopedModelAdmin):
    """Local exceptions to the national working-day calendar: the city administrator only (the queryset
    and the service admit only a city-level holder of the permission)."""

    list_display = ["date", "is_workday", "reason", "updated_at"]
    list_filter = ["is_workday"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "reason"]

    def _covers(self, request, action, obj):
        return scope_for(request.user).prefixes_for(self._perm(action)) is None

    def has_module_permission(self, request):
        return self._covers(request, "view", None)

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = services.set_workday_override(actor=request.user, date=obj.date, is_workday=obj.is_workday,
                                              reason=obj.reason)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_workday_override(actor=request.user, override=obj, reason="admin")


@admin.register(AreaSuccession)
class AreaSuccessionAdmin(ScopedModelAdmin):
    """Which areas took over from which in a re-division (written by services.redivide_areas only)."""

    list_display = ["date", "predecessor", "successor", "reason"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    list_select_related = ["predecessor", "successor"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Community governance portal administration")
admin.site.site_title = _("Portal admin")


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    """An admin page that only shows records within the user's areas: its writes are the app's pages,
    API and services (with their rules and audit), never the admin's forms. Every app takes this one
    (governance, volunteers and reports each had their own copy)."""

    show_full_result_count = False  # no COUNT(*) over the whole table on every page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- accounts: an administrator creates users within the grant ceiling ------------------------------
from django import forms as _forms  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as _DjangoUserAdmin  # noqa: E402
from django.db.models import Q  # noqa: E402


class StaffUserCreationForm(_forms.Form):
    """A new staff account with its first role: created by ``services.add_staff`` (the grant
    ceiling of core/grants.py, audited), so nobody makes an account they could not grant."""

    username = _forms.CharField(label=_("Username"), max_length=150)
    full_name = _forms.CharField(label=_("Name"), max_length=50)
    password1 = _forms.CharField(label=_("Password"), widget=_forms.PasswordInput, strip=False)
    password2 = _forms.CharField(label=_("Password again"), widget=_forms.PasswordInput, strip=False)
    role = _forms.ChoiceField(label=_("Role"))
    area = _forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        allowed = set(grants.grantable_roles(actor))
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in allowed]
        self.fields["area"].queryset = Area.objects.restrict(actor, "view").order_by("code")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            raise ValidationError(_("The two passwords differ."))
        if get_user_model().objects.filter(username=cleaned.get("username")).exists():
            raise ValidationError({"username": _("This username is taken.")})
        role, area = cleaned.get("role"), cleaned.get("area")
        if role and area:
            found = grants.refusal(self.actor, role, area)
            if found is not None:
                raise ValidationError(found.message)
        return cleaned


class PortalUserAdmin(_DjangoUserAdmin):
    """Superusers keep Django's account admin; an administrator who may grant roles lists the
    accounts of their areas (and accounts without any role yet), picks them by name for a grant,
    and creates new staff accounts through ``services.add_staff``."""

    search_fields = ["username", "first_name", "last_name", "profile__full_name"]

    def _may_grant(self, request):
        return request.user.is_active and bool(grants.grantable_roles(request.user))

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        prefixes = scope_for(request.user).prefixes_for("core.view_staffgrant")
        if prefixes is None:  # city-wide
            return qs.filter(is_superuser=False)
        within = Q(pk__in=[])
        for prefix in prefixes:
            within |= Q(grants__area__code__startswith=prefix) | Q(profile__area__code__startswith=prefix)
        return qs.filter(within | Q(grants__isnull=True, is_superuser=False)).distinct()

    def has_module_permission(self, request):
        return request.user.is_superuser or self._may_grant(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        return self._may_grant(request) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_add_permission(self, request):
        return request.user.is_superuser or self._may_grant(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def add_view(self, request, form_url="", extra_context=None):
        if request.user.is_superuser and "role" not in request.POST and request.GET.get("staff") != "1":
            return super().add_view(request, form_url, extra_context)
        if not self.has_add_permission(request):
            raise PermissionDenied
        from django.template.response import TemplateResponse

        form = StaffUserCreationForm(request.POST or None, actor=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.add_staff(actor=request.user, username=data["username"], role=data["role"],
                                   area_code=data["area"].code, password=data["password1"],
                                   full_name=data["full_name"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _refusal_text(exc))
            else:
                self.message_user(request, _("Account %(name)s created.") % {"name": data["username"]})
                return HttpResponseRedirect(reverse("admin:auth_user_changelist", current_app=self.admin_site.name))
        context = {**self.admin_site.each_context(request), "title": _("New staff account"), "form": form,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/core/staff_user_add.html", context)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)
