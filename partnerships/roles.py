"""The programme-wide roles are Django groups; this module says which model permissions each carries."""

from django.contrib.auth.models import Group, Permission

from fachkraefte import staff
from partnerships.models import Role

BEAT_MODELS = ["periodictask", "clockedschedule", "crontabschedule", "solarschedule", "intervalschedule"]

# app label -> every permission of that app; "app.codename" -> one permission.
ROLE_PERMISSIONS = {
    Role.PROGRAMME_STAFF: [
        "partnerships",
        "applications",
        "placements",
        "auth.view_group",
        # The schedules, read only: a periodic task names any task and its arguments (a dossier export in
        # someone else's name, an e-mail to anyone); superusers keep them.
        *(f"django_celery_beat.view_{model}" for model in BEAT_MODELS),
        "fachkraefte.view_auditentry",
        "fachkraefte.view_outboundemail",
        "fachkraefte.view_accessibilityfeedback",
        "fachkraefte.change_accessibilityfeedback",
        "fachkraefte.delete_accessibilityfeedback",
    ],
    Role.CIM_RECRUITER: [],
    Role.GIZ_RECRUITER: [],
    Role.SPECIALIST: [],
}


def permissions_for(entries):
    apps = [entry for entry in entries if "." not in entry]
    codenames = [entry.split(".") for entry in entries if "." in entry]
    permissions = set(Permission.objects.filter(content_type__app_label__in=apps))
    for app_label, codename in codenames:
        permissions.update(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    return permissions


def grant_role_permissions(**kwargs):
    """post_migrate: permissions exist only after migrating, so roles get theirs here."""
    for role, entries in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(permissions_for(entries))


def has_role(user, role):
    if not user.is_authenticated:
        return False
    return any(name == role for name in staff.group_names(user))


# The one policy of who programme staff are lives in the core (fachkraefte.staff), which cannot import this app.
is_programme_staff = staff.is_programme_staff
