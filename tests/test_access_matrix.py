"""The access matrix: every named URL (portal and admin) x every persona x GET and POST.

RULES and ADMIN_MODELS are the specification. For each URL they name the objects its parameters point
at (taken from the `matrix_world` below), who may use it and who may see those objects. Everybody else
is refused with the one answer `expected_refusal` derives from that: the login page for the anonymous,
the second factor for the half signed-in, the admin's login for whoever is not staff on an admin URL,
405 for the wrong method, 403 for those who may see the objects but not do this, 404 for those who may
not see them (so an outsider never learns that an object exists). A persona who is allowed is asked a
second time with every object swapped for someone else's (FOREIGN), and must get 404 there.

A URL in the URLconf without an entry here fails the test: add one with the personas who may use it.
"""

import copy
import dataclasses
import traceback
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications import invitations, services
from applications.dossier import DOSSIER_DIR
from applications.models import Attachment, Document, Event, Message, Status
from applications.notifications import invitation_token
from fachkraefte.models import AccessibilityFeedback, AuditEntry, OutboundEmail
from partnerships.models import GrantRecord, JoinRequest, MunicipalityMembership, Role
from placements.models import Candidate, OwnNetworkEvent, ShortlistEntry
from placements.reports import schedule_reports
from placements.specialist_invitations import token_for
from tests.conftest import PortalClient
from tests.factories import (
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.workflow import agree_terms, in_status, make_placement

ANONYMOUS = "anonymous"
MUNICIPAL = frozenset({"german_contact", "partner_contact", "viewer", "outsider"})
RECRUITERS = frozenset({"cim_recruiter", "giz_recruiter"})
SPECIALISTS = frozenset({"specialist", "other_specialist"})
SIGNED_IN = MUNICIPAL | RECRUITERS | SPECIALISTS | {"staff"}
EVERYBODY = SIGNED_IN | {ANONYMOUS}
NOBODY = frozenset()
STAFF = frozenset({"staff"})
EOI_MEMBERS = frozenset({"german_contact", "partner_contact", "viewer"})
EOI_WRITERS = frozenset({"german_contact", "partner_contact"})
EOI_SEERS = EOI_MEMBERS | STAFF
BERLIN_MEMBERS = frozenset({"german_contact", "viewer"})
CIM = frozenset({"cim_recruiter", "staff"})
OWN_SPECIALIST = frozenset({"specialist"})
PLACEMENT_READERS = EOI_MEMBERS | OWN_SPECIALIST | STAFF
# The recruiters of the EOI's channel and staff see a shortlist; the municipalities once the selection has begun.
SHORTLIST_SEERS = CIM | EOI_MEMBERS
# Staff who gave the password but not yet the code: only the pages that lead to the code are open.
HALF_SIGNED_IN = "staff_without_second_factor"
BEFORE_THE_CODE = EVERYBODY | {HALF_SIGNED_IN}
PERSONAS = sorted(BEFORE_THE_CODE)

# The page sweeps (security headers, no-store) GET each page as the first of these who may: the least privileged.
SHOWN_TO = (
    ANONYMOUS,
    "specialist",
    "cim_recruiter",
    "viewer",
    "partner_contact",
    "german_contact",
    "outsider",
    "staff",
)
# The pages a refusal sends the browser to: an allowed request must never land on one of them.
LOGIN_PAGES = ("login", "admin:login", "partnerships:two_factor_verify", "partnerships:two_factor_setup")


@dataclasses.dataclass(frozen=True)
class Rule:
    """Who may GET and POST one URL, and which objects of the world its parameters name."""

    kwargs: object = lambda w: {}  # noqa: E731 - the world -> the URL's parameters
    get: frozenset = NOBODY
    post: frozenset = NOBODY
    query: str = ""
    data: object = lambda w: {}  # noqa: E731 - the world -> what a POST sends (empty: the bare permission check)
    post_only: bool = False  # GET answers 405 for everybody signed in
    get_only: bool = False  # POST answers 405 for everybody signed in
    owned: bool = True  # False: the objects belong to nobody in particular (no FOREIGN pass)
    shown_to: str = ""  # the persona whose GET must render (200) in the page sweeps; default: see SHOWN_TO
    # Who may see the objects the URL names (or, for a page without objects, whom it refuses with 403 rather
    # than 404): a refused persona among them gets 403, anybody else 404. Default: whoever may GET or POST.
    seen_by: frozenset = None
    # A page that sends everybody it refuses (but the half signed-in) to this URL name, whatever they asked.
    refused_to: str = ""
    # A 403 or 404 of the portal is a refusal the security log keeps (False: nothing was refused, there is
    # nothing to find). The Django admin's own refusals of staff are its business, not logged.
    logged: bool = True

    def render_persona(self):
        return self.shown_to or next((persona for persona in SHOWN_TO if persona in self.get), None)

    def sees(self, persona):
        return persona in (self.get | self.post if self.seen_by is None else self.seen_by)


def page(who, kwargs=lambda w: {}, *, post=None, **options):
    """A page that shows a form or does something on POST: the same people may do both unless told."""
    return Rule(kwargs, get=frozenset(who), post=frozenset(who if post is None else post), **options)


def read_only(who, kwargs=lambda w: {}, **options):
    """A page or a download that answers GET only (POST: 405)."""
    return Rule(kwargs, get=frozenset(who), get_only=True, **options)


def view(who, kwargs=lambda w: {}, **options):
    """A page or a download that changes nothing and answers any method the same way."""
    return Rule(kwargs, get=frozenset(who), post=frozenset(who), **options)


def action(who, kwargs=lambda w: {}, **options):
    """A POST-only endpoint."""
    return Rule(kwargs, post=frozenset(who), post_only=True, **options)


def history_version(obj):
    return {"object_id": obj.pk, "version_id": obj.history.order_by("history_id").first().history_id}


def key(name, field="pk", attribute="pk"):
    return lambda w: {field: getattr(w[name], attribute)}


def eoi_and(name, field):
    return lambda w: {"pk": w["eoi"].pk, field: w[name].pk}


def placement_and(name, field):
    return lambda w: {"pk": w["placement"].pk, field: w[name].pk}


PUBLIC = page(EVERYBODY)


def berlin():
    return MunicipalityMembership.objects.get(role="viewer", municipality__ags="11000000").municipality


def berlin_viewer():
    membership = MunicipalityMembership.objects.get(role="viewer", municipality__ags="11000000")
    return {"pk": membership.municipality_id, "membership_pk": membership.pk}


EOI = key("eoi")
PLACEMENT = key("placement")
RECRUITING = key("recruiting_eoi", "eoi_pk")
SELECTION = key("selection_eoi", "eoi_pk")
SELECTION_ENTRY = key("selection_entry", "entry_pk")
CANDIDATE = key("candidate")
NETWORK_EVENT = key("network_event")

RULES = {
    # --- accounts ---------------------------------------------------------------------------------------
    "home": PUBLIC,
    # Programme staff's work queue: everybody else signed in is refused with 403.
    "work_queue": view(STAFF, owned=False, seen_by=SIGNED_IN),
    "health": read_only(BEFORE_THE_CODE),
    "login": page(BEFORE_THE_CODE),
    "logout": action(BEFORE_THE_CODE),
    "set_language": action(BEFORE_THE_CODE),
    "password_reset": page(BEFORE_THE_CODE),
    "password_reset_done": read_only(BEFORE_THE_CODE),
    "password_reset_confirm": page(BEFORE_THE_CODE, lambda w: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": read_only(BEFORE_THE_CODE),
    # Two-factor login and the account's sensitive settings (these ask for the password again first).
    "partnerships:two_factor_verify": page(SIGNED_IN | {HALF_SIGNED_IN}, owned=False, shown_to=HALF_SIGNED_IN),
    "partnerships:two_factor_setup": page(SIGNED_IN, owned=False),
    "partnerships:two_factor_recovery_codes": page(SIGNED_IN, post=RECRUITERS | STAFF, owned=False),
    "partnerships:two_factor_disable": action(MUNICIPAL | SPECIALISTS, owned=False, seen_by=SIGNED_IN),
    "partnerships:confirm_password": page(SIGNED_IN | {HALF_SIGNED_IN}, owned=False),
    "partnerships:email_change": page(SIGNED_IN, owned=False),
    "partnerships:email_change_confirm": page(BEFORE_THE_CODE, lambda w: {"token": "tampered"}, owned=False),
    "partnerships:end_other_sessions": action(SIGNED_IN, owned=False),
    "password_change": page(SIGNED_IN),
    "password_change_done": read_only(SIGNED_IN),
    "partnerships:profile": page(SIGNED_IN),
    "partnerships:signup": PUBLIC,
    "partnerships:verification_sent": PUBLIC,
    "partnerships:verify_email": page(EVERYBODY, lambda w: {"token": "tampered"}),
    "partnerships:resend_verification": PUBLIC,
    # --- the public pages: the programme, the legal pages, the accessibility statement and its feedback form ----
    "public:programme": read_only(EVERYBODY),
    "public:imprint": read_only(EVERYBODY),
    "public:privacy": read_only(EVERYBODY),
    "public:contact": read_only(EVERYBODY),
    "public:easy_language": read_only(EVERYBODY),
    "public:accessibility": PUBLIC,
    # --- municipalities and partnerships --------------------------------------------------------------
    "partnerships:my_municipalities": page(SIGNED_IN),
    "partnerships:join": page(SIGNED_IN),
    # Anybody signed in may ask to join any German municipality; its contacts decide.
    "partnerships:join_municipality": page(
        SIGNED_IN,
        lambda w: {"pk": w["eoi"].partnership.municipalities.get(ags="11000000").pk},
        owned=False,
        shown_to="outsider",
    ),
    "partnerships:join_requests": page(SIGNED_IN),
    # A municipality's members read its member list; its contacts (and staff) change the others' roles.
    # Someone else's municipality: tests/test_grants.py.
    "partnerships:members": read_only({"german_contact", "viewer"} | STAFF, lambda w: {"pk": berlin().pk}, owned=False),
    "partnerships:member_role": action(
        {"german_contact"} | STAFF, lambda w: berlin_viewer(), owned=False, seen_by=BERLIN_MEMBERS | STAFF
    ),
    # Staff decide join requests in the admin; in the portal the municipality's members see them, its contacts decide.
    "partnerships:approve_join_request": action({"german_contact"}, key("join_request"), seen_by=BERLIN_MEMBERS),
    "partnerships:decline_join_request": action({"german_contact"}, key("join_request"), seen_by=BERLIN_MEMBERS),
    # For the contacts and editors of a German municipality: everybody else signed in is refused with 403.
    "partnerships:register_partnership": page({"german_contact", "outsider"}, seen_by=SIGNED_IN),
    # --- expressions of interest ----------------------------------------------------------------------
    "applications:dashboard": page(SIGNED_IN),
    # The partnership's members and staff see it; its German contacts and editors start an EOI for it.
    "applications:start": page(
        {"german_contact"}, key("eoi", "partnership_pk", "partnership_id"), seen_by=EOI_MEMBERS | STAFF
    ),
    "applications:detail": view(EOI_SEERS, EOI),
    "applications:history": view(EOI_SEERS, EOI),
    "applications:edit": page({"partner_contact"}, lambda w: {"pk": w["eoi"].pk, "part": "partner"}, seen_by=EOI_SEERS),
    "applications:confirm": action(EOI_WRITERS, EOI, seen_by=EOI_SEERS),
    "applications:submit": action(EOI_WRITERS, EOI, seen_by=EOI_SEERS),
    "applications:withdraw": page(EOI_WRITERS, EOI, seen_by=EOI_SEERS),
    # A municipality's contacts (and staff) invite for it: each contact for their own side.
    "applications:invite": action(EOI_WRITERS | STAFF, EOI, seen_by=EOI_SEERS),
    # The world's invitation is Windhoek's: its contact and staff resend or revoke it.
    "applications:invitation_resend": action(
        {"partner_contact"} | STAFF, eoi_and("invitation", "invitation_pk"), seen_by=EOI_SEERS
    ),
    "applications:invitation_revoke": action(
        {"partner_contact"} | STAFF, eoi_and("invitation", "invitation_pk"), seen_by=EOI_SEERS
    ),
    # The token is the key: anybody who holds it may open the invitation; only the invited address accepts it
    # (nobody signed in here has it; anonymously a POST shows the sign-up form again).
    "applications:invitation": page(
        EVERYBODY, lambda w: {"token": invitation_token(w["invitation"])}, post={ANONYMOUS}, owned=False
    ),
    # The specialist's invitation, once used, leads whoever may see the placement to it (others: 404).
    "placements:specialist_welcome": view(PLACEMENT_READERS, lambda w: {"token": token_for(w["placement"])}),
    "applications:attachment_upload": action(EOI_WRITERS, EOI, seen_by=EOI_SEERS),
    "applications:attachment_download": read_only(EOI_MEMBERS | STAFF, eoi_and("attachment", "attachment_pk")),
    "applications:attachment_delete": action(EOI_WRITERS, eoi_and("attachment", "attachment_pk"), seen_by=EOI_SEERS),
    "applications:pdf_request": action(EOI_MEMBERS | STAFF, EOI),
    "applications:pdf_download": view(EOI_MEMBERS | STAFF, eoi_and("document", "document_pk")),
    "applications:pdf_status": view(EOI_MEMBERS | STAFF, EOI),
    "applications:versions": view(EOI_MEMBERS | STAFF, EOI),
    "applications:terms": view(EOI_MEMBERS | STAFF, EOI),
    "applications:terms_propose": page(EOI_WRITERS | STAFF, key("dialogue_eoi"), seen_by=EOI_SEERS),
    "applications:terms_agree": action(
        {"german_contact", "partner_contact", "staff"},
        lambda w: {"pk": w["eoi"].pk, "number": w["terms"].number},
        seen_by=EOI_SEERS,
    ),
    "applications:terms_pdf": view(EOI_MEMBERS | STAFF, lambda w: {"pk": w["eoi"].pk, "number": w["terms"].number}),
    "applications:message_post": action(EOI_WRITERS | STAFF, EOI, seen_by=EOI_SEERS),
    "applications:message_attachment": read_only(EOI_MEMBERS | STAFF, eoi_and("message", "message_pk")),
    # --- recruitment, candidates, selection -----------------------------------------------------------
    # The role pages: everybody signed in without the role is refused with 403.
    "applications:recruitment_list": view(RECRUITERS | STAFF, seen_by=SIGNED_IN),
    "applications:recruitment_detail": view(CIM, key("recruiting_eoi")),
    "applications:vacancy": page(CIM, key("recruiting_eoi")),
    "placements:candidate_list": read_only(RECRUITERS | STAFF, seen_by=SIGNED_IN),
    "placements:candidate_create": page(RECRUITERS | STAFF, seen_by=SIGNED_IN),
    "placements:candidate_detail": read_only(CIM, CANDIDATE),
    "placements:candidate_edit": page(CIM, CANDIDATE),
    "placements:candidate_cv": read_only(CIM, CANDIDATE),
    "placements:candidate_export": read_only(CIM, CANDIDATE),
    "placements:matches": read_only(CIM, RECRUITING),
    "placements:shortlist_add": action(CIM, RECRUITING, data=lambda w: {"candidate": w["candidate"].pk}),
    "placements:start_selection": action(STAFF, RECRUITING, seen_by=CIM),
    # The municipalities see the shortlist once the selection has begun (the recruiters and staff before).
    "placements:shortlist": read_only(SHORTLIST_SEERS, SELECTION),
    "placements:back_to_recruitment": action(STAFF, SELECTION, seen_by=SHORTLIST_SEERS),
    "placements:shortlist_decide": action(EOI_WRITERS, SELECTION_ENTRY, seen_by=SHORTLIST_SEERS),
    # For an integrated expert the employer, the partner municipality, picks.
    "placements:shortlist_select": action({"partner_contact"}, SELECTION_ENTRY, seen_by=SHORTLIST_SEERS),
    "placements:shortlist_cv": read_only(SHORTLIST_SEERS, SELECTION_ENTRY),
    # --- the specialist's portal ----------------------------------------------------------------------
    "placements:my_placements": view(SPECIALISTS | STAFF, seen_by=SIGNED_IN),
    "placements:placement_detail": view(PLACEMENT_READERS, PLACEMENT),
    "placements:history": view(PLACEMENT_READERS, PLACEMENT),
    "placements:activity_list": view(PLACEMENT_READERS, PLACEMENT),
    "placements:activity_create": page(OWN_SPECIALIST, PLACEMENT, seen_by=PLACEMENT_READERS),
    "placements:activity_edit": page(
        OWN_SPECIALIST, placement_and("activity", "activity_pk"), seen_by=PLACEMENT_READERS
    ),
    "placements:report_list": view(PLACEMENT_READERS, PLACEMENT),
    "placements:report_edit": page(PLACEMENT_READERS, placement_and("report", "report_pk"), post=OWN_SPECIALIST),
    "placements:report_pdf": view(PLACEMENT_READERS, placement_and("report", "report_pk")),
    # Programme staff mark a submitted report read (it leaves their work queue); its other readers may not.
    "placements:report_mark_read": action(STAFF, placement_and("report", "report_pk"), seen_by=PLACEMENT_READERS),
    # Programme events are open to every specialist and to staff (nobody else sees them); they belong to nobody.
    "placements:event_list": view(SPECIALISTS | STAFF, seen_by=SIGNED_IN),
    "placements:event_detail": view(SPECIALISTS | STAFF, NETWORK_EVENT),
    "placements:event_ics": view(SPECIALISTS | STAFF, NETWORK_EVENT),
    "placements:event_register": action(SPECIALISTS, NETWORK_EVENT, seen_by=SPECIALISTS | STAFF),
    # What is cancelled is one's own registration, and nobody in the world has one: a 404 that refuses nothing.
    "placements:event_cancel": action(NOBODY, NETWORK_EVENT, logged=False),
    # A placement's own events are its specialist's; staff read them.
    "placements:own_event_list": view(OWN_SPECIALIST | STAFF, key("placement", "placement_pk")),
    "placements:own_event_create": page(
        OWN_SPECIALIST, key("placement", "placement_pk"), seen_by=OWN_SPECIALIST | STAFF
    ),
    # --- the transparency list and its open data: public; the municipalities' contacts opt in -----------
    "transparency:list": read_only(EVERYBODY, owned=False),
    "transparency:csv": read_only(EVERYBODY, owned=False),
    "transparency:iati": read_only(EVERYBODY, owned=False),
    "placements:eoi_publication": action(EOI_WRITERS, EOI, seen_by=EOI_SEERS),
    "placements:placement_publication": action(EOI_WRITERS, PLACEMENT, seen_by=PLACEMENT_READERS),
    # --- the admin's own pages and the custom admin views ---------------------------------------------
    "admin:index": page(STAFF),
    # Sends everybody to the portal's login, which asks for the second factor.
    "admin:login": page(NOBODY, refused_to="login"),
    # The admin sends whoever is not staff from its logout to its index (which sends them to its login).
    "admin:logout": action(STAFF, refused_to="admin:index"),
    "admin:password_change": page(STAFF),
    "admin:password_change_done": read_only(STAFF),
    "admin:jsi18n": read_only(STAFF),
    "admin:autocomplete": read_only(
        STAFF, query="?app_label=partnerships&model_name=municipalitymembership&field_name=municipality"
    ),
    # No model has get_absolute_url: the admin's "view on site" answers 404 even to staff.
    "admin:view_on_site": page(
        NOBODY,
        lambda w: {"content_type_id": ContentType.objects.get_for_model(w["eoi"]).pk, "object_id": w["eoi"].pk},
    ),
    "admin:app_list": page(STAFF, lambda w: {"app_label": "applications"}),
    "admin:auth_user_password_change": page(STAFF, key("german_contact", "id")),
    # Staff may not see a device's key: the admin refuses them (403).
    "admin:otp_totp_totpdevice_config": page(NOBODY, key("totp_device"), seen_by=STAFF),
    "admin:otp_totp_totpdevice_qrcode": page(NOBODY, key("totp_device"), seen_by=STAFF),
    "admin:applications_expressionofinterest_transition": page(
        STAFF, lambda w: {"pk": w["eoi"].pk, "name": "start_review"}
    ),
    "admin:applications_expressionofinterest_dashboard": page(STAFF),
    "admin:applications_expressionofinterest_export": page(STAFF, lambda w: {"format_name": "csv"}),
    "admin:applications_expressionofinterest_dossier": page(STAFF, key("dossier", "event_id")),
    "admin:placements_placement_transition": page(STAFF, lambda w: {"pk": w["placement"].pk, "name": "begin"}),
    # One version in the audit history; read-only: reverting would get around the workflow.
    "admin:applications_expressionofinterest_simple_history": read_only(STAFF, lambda w: history_version(w["eoi"])),
    "admin:placements_candidate_simple_history": read_only(STAFF, lambda w: history_version(w["candidate"])),
    "admin:placements_placement_simple_history": read_only(STAFF, lambda w: history_version(w["placement"])),
}

# Every ModelAdmin: what programme staff may do there (view, add, change, delete); nobody else may do anything.
ADMIN_MODELS = {
    "auth.group": {"view"},
    "django_celery_beat.periodictask": {"view"},
    "django_celery_beat.clockedschedule": {"view"},
    "django_celery_beat.crontabschedule": {"view"},
    "django_celery_beat.solarschedule": {"view"},
    "django_celery_beat.intervalschedule": {"view"},
    "otp_totp.totpdevice": set(),
    "otp_static.staticdevice": set(),
    "axes.accessattempt": set(),
    "axes.accesslog": set(),
    "axes.accessfailurelog": set(),
    "fachkraefte.auditentry": {"view"},
    "fachkraefte.outboundemail": {"view"},
    "fachkraefte.accessibilityfeedback": {"view", "change", "delete"},  # answered, then deleted when done
    "partnerships.user": {"view", "add", "change", "delete"},
    "partnerships.municipality": {"view", "add", "change", "delete"},
    "partnerships.partnership": {"view", "add", "change", "delete"},
    "partnerships.municipalitymembership": {"view", "add", "change", "delete"},
    "partnerships.joinrequest": {"view", "change"},  # asked in the portal; decided by the actions; kept
    "partnerships.grantrecord": {"view"},
    "partnerships.country": {"view", "add", "change", "delete"},
    "partnerships.modelavailability": {"view", "add", "change", "delete"},
    "applications.expressionofinterest": {"view", "change", "delete"},  # a draft: staff may delete it
    "placements.candidate": {"view", "add", "change"},  # leaves by anonymisation
    "placements.networkevent": {"view", "add", "change", "delete"},
    "placements.ownnetworkevent": {"view"},
    "placements.placement": {"view", "add", "change"},
    "placements.shortlistentry": {"view"},
}
# The object each model's change, delete and history pages are asked about (else the model's first row).
ADMIN_OBJECTS = {
    "partnerships.user": "german_contact",
    "applications.expressionofinterest": "eoi",
    "placements.candidate": "candidate",
    "placements.placement": "placement",
    "placements.networkevent": "network_event",
    "placements.shortlistentry": "selection_entry",
    "partnerships.joinrequest": "join_request",
}
# The objects a persona who may use a URL is refused when they are someone else's.
FOREIGN = {
    "eoi": "foreign_eoi",
    "dialogue_eoi": "foreign_eoi",
    "terms": "foreign_terms",
    "message": "foreign_message",
    "invitation": "foreign_invitation",
    "attachment": "foreign_attachment",
    "document": "foreign_document",
    "join_request": "foreign_join_request",
    "recruiting_eoi": "giz_eoi",
    "candidate": "giz_candidate",
    "shortlist_entry": "giz_shortlist_entry",
    "selection_eoi": "giz_eoi",
    "selection_entry": "giz_shortlist_entry",
    "placement": "other_placement",
    "activity": "other_activity",
    "report": "other_report",
}


def admin_rule(model_key, kind):
    """The rule of a standard ModelAdmin URL, from what staff may do with the model."""
    may = ADMIN_MODELS[model_key]
    staff_if = lambda *needed: STAFF if may & set(needed) else NOBODY  # noqa: E731
    obj = lambda w: {"object_id": w["admin_objects"][model_key].pk}  # noqa: E731
    # Staff see every model's pages; the admin refuses them what their permissions do not cover (403).
    return {
        "changelist": Rule(get=staff_if("view", "change"), post=staff_if("view", "change"), seen_by=STAFF),
        "add": Rule(get=staff_if("add"), post=staff_if("add"), seen_by=STAFF),
        "change": Rule(obj, get=staff_if("view", "change"), post=staff_if("change"), seen_by=STAFF),
        "history": Rule(obj, get=staff_if("view", "change"), post=staff_if("view", "change"), seen_by=STAFF),
        "delete": Rule(obj, get=staff_if("delete"), post=staff_if("delete"), seen_by=STAFF),
    }[kind]


def admin_rules():
    rules = {}
    for model in site._registry:
        opts = model._meta
        model_key = f"{opts.app_label}.{opts.model_name}"
        if model_key not in ADMIN_MODELS:
            continue  # reported as unlisted by test_every_url_has_a_rule
        for kind in ("changelist", "add", "change", "history", "delete"):
            rules[f"admin:{opts.app_label}_{opts.model_name}_{kind}"] = admin_rule(model_key, kind)
    return rules


ALL_RULES = {**admin_rules(), **RULES}


def named_urls(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_rule():
    unlisted = set(named_urls()) - set(ALL_RULES)
    unregistered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in site._registry} - set(ADMIN_MODELS)
    assert not unlisted, f"add these URLs to RULES with the personas who may use them: {sorted(unlisted)}"
    assert not unregistered, f"add these ModelAdmins to ADMIN_MODELS: {sorted(unregistered)}"


def test_every_rule_names_a_url():
    assert not set(ALL_RULES) - set(named_urls())


# --- the world: one object of every kind, and someone else's copy of each ---------------------------------
@pytest.fixture
def other_specialist(db):
    return UserFactory(roles=[Role.SPECIALIST])


@pytest.fixture
def matrix_personas(personas, other_specialist):
    return {**personas, "other_specialist": other_specialist}


def foreign_family(staff, other_specialist):
    """Munich and Otjiwarongo: an EOI with everything on it, a GIZ-channel EOI in recruitment, a placement."""
    munich = GermanMunicipalityFactory(name="München", ags="09162000")
    partnership = PartnershipFactory(
        german=munich, partner=PartnerMunicipalityFactory(name="Otjiwarongo", country="NA")
    )
    municipalities = list(partnership.municipalities.all())
    german = MembershipFactory(municipality=munich).user
    partner = MembershipFactory(municipality=municipalities[1] if municipalities[0] == munich else municipalities[0])
    people = {"staff": staff, "german_contact": german, "partner_contact": partner.user}
    eoi = services.start(partnership, municipalities, "integrated", by=german)
    pdf = ContentFile(b"%PDF-1.4 foreign", name="f.pdf")
    giz_eoi = in_status(
        services.start(partnership, municipalities, "development_worker", by=german),
        **people,
        status=Status.RECRUITMENT,
    )
    giz_candidate = Candidate.objects.create(
        name="Gustav Giz", nationalities=["DE"], created_by=UserFactory(roles=[Role.GIZ_RECRUITER]), applied_for=giz_eoi
    )
    placement = make_placement(
        services.start(partnership, municipalities, "local", by=german), **people, specialist=other_specialist
    )
    schedule_reports(placement)
    return {
        "foreign_eoi": eoi,
        "foreign_terms": agree_terms(eoi, german),
        "foreign_message": Message.objects.create(
            eoi=eoi, author=german, body="Hallo", attachment=pdf, attachment_name="f.pdf"
        ),
        "foreign_invitation": invitations.invite(eoi, partner.municipality, "y@example.org", "", "en", by=staff),
        "foreign_attachment": Attachment.objects.create(
            eoi=eoi, file=pdf, original_name="f.pdf", content_type="application/pdf", size=16, uploaded_by=german
        ),
        "foreign_document": Document.objects.create(
            eoi=eoi, language="de", fingerprint=eoi.fingerprint(), state=Document.State.READY, file=pdf
        ),
        "foreign_join_request": JoinRequest.objects.create(user=UserFactory(), municipality=munich),
        "giz_eoi": giz_eoi,
        "giz_candidate": giz_candidate,
        "giz_shortlist_entry": ShortlistEntry.objects.create(eoi=giz_eoi, candidate=giz_candidate, added_by=staff),
        "other_placement": placement,
        "other_activity": placement.activities.create(date=placement.start, title="Other", created_by=other_specialist),
        "other_report": placement.reports.first(),
    }


def admin_objects(world, staff):
    """One row of every model with a ModelAdmin, so every change, delete and history page names a real object."""
    TOTPDevice.objects.get_or_create(user=staff, name="test phone", defaults={"confirmed": True})
    StaticDevice.objects.create(user=staff, name="recovery codes", confirmed=True)
    every_ten_minutes = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="matrix", task="fachkraefte.tasks.send_pending", interval=every_ten_minutes)
    CrontabSchedule.objects.create(minute="5")
    SolarSchedule.objects.create(event="sunrise", latitude="52.52", longitude="13.40")
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    OwnNetworkEvent.objects.create(placement=world["placement"], title="Own", date=world["placement"].start)
    AccessAttempt.objects.create(username="someone@example.org", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="someone@example.org", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="someone@example.org", ip_address="10.0.0.1")
    AuditEntry.objects.create(kind=AuditEntry.Kind.LOGIN, username="someone@example.org")
    OutboundEmail.objects.create(template="t", to=["someone@example.org"], language="de", subject="s", text="t")
    AccessibilityFeedback.objects.create(message="The chart has no text.", language="de")
    GrantRecord.objects.create(user=staff, user_email=staff.email, kind="groups", after="programme_staff", via="admin")
    objects = {}
    for model in site._registry:
        model_key = f"{model._meta.app_label}.{model._meta.model_name}"
        if model_key in ADMIN_OBJECTS:
            objects[model_key] = world[ADMIN_OBJECTS[model_key]]
        else:
            objects[model_key] = model._default_manager.order_by("pk").first()
            assert objects[model_key] is not None, f"admin_objects: create a {model_key} for the matrix"
    return objects


def dossier_event(eoi, staff):
    name = f"{DOSSIER_DIR}/matrix.zip"
    default_storage.save(name, ContentFile(b"PK\x05\x06" + bytes(18)))
    return Event.objects.create(eoi=eoi, kind=Event.Kind.EXPORTED, actor=staff, note=name)


def selection(partnership, candidate, personas):
    """An EOI of Berlin and Windhoek in candidate selection, with the candidate on its shortlist."""
    people = {name: personas[name] for name in ("staff", "german_contact", "partner_contact")}
    eoi = services.start(partnership, list(partnership.municipalities.all()), "integrated", by=people["german_contact"])
    eoi = in_status(eoi, Status.CANDIDATE_SELECTION, **people)
    entry = ShortlistEntry.objects.create(eoi=eoi, candidate=candidate, added_by=people["staff"])
    return {"selection_eoi": eoi, "selection_entry": entry}


@pytest.fixture
def matrix_world(world, matrix_personas, partnership, media):
    staff = matrix_personas["staff"]
    world = {
        **world,
        **foreign_family(staff, matrix_personas["other_specialist"]),
        "join_request": JoinRequest.objects.create(
            user=UserFactory(), municipality=partnership.municipalities.get(ags="11000000")
        ),
        "german_contact": matrix_personas["german_contact"],
        "totp_device": TOTPDevice.objects.get_or_create(user=staff, name="test phone", defaults={"confirmed": True})[0],
        "dossier": dossier_event(world["eoi"], staff),
        **selection(partnership, world["candidate"], matrix_personas),
    }
    world["admin_objects"] = admin_objects(world, staff)
    return world


# --- asking ----------------------------------------------------------------------------------------------
def url_of(name, rule, world):
    return reverse(name, kwargs=rule.kwargs(world)) + rule.query


def refusals_logged():
    return AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED).count()


def ask(client, method, url, data=None):
    """One request that leaves no trace: the database rolls back, the cookies come back as they were.

    The response says how many refusals the request wrote to the security log (`refusals_logged`).
    """
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            before = refusals_logged()
            response = getattr(client, method)(url, data if method == "post" else None)
            if response.streaming:  # reading it to the end closes it, as a WSGI server would
                b"".join(response.streaming_content)
            response.refusals_logged = refusals_logged() - before
            transaction.set_rollback(True)
    except Exception:  # a 500: the test client re-raises what the view raised
        return None, traceback.format_exc(limit=-8)
    finally:
        client.cookies = cookies
    return response, None


def redirects_to(response, names):
    if response.status_code != 302:
        return False
    path = urlsplit(response["Location"]).path
    return any(path == reverse(name) for name in names)


def allowed(response):
    return 200 <= response.status_code < 400 and not redirects_to(response, LOGIN_PAGES)


def expected_refusal(persona, name, rule, method, foreign=False):
    """The one answer a refused request gets: (status, the URL name a redirect leads to, or None)."""
    audience = rule.get | rule.post
    if persona == HALF_SIGNED_IN and HALF_SIGNED_IN not in audience:
        return 302, "partnerships:two_factor_verify"
    if rule.refused_to and persona not in audience:
        return 302, rule.refused_to
    if name.startswith("admin:") and persona != "staff":
        return 302, "admin:login"
    if persona == ANONYMOUS and ANONYMOUS not in audience:
        return 302, "login"
    if (method == "get" and rule.post_only) or (method == "post" and rule.get_only):
        return 405, None
    if not foreign and rule.sees(persona):
        return 403, None
    return 404, None


def answer(response):
    where = urlsplit(response["Location"]).path if response.status_code in (301, 302) else None
    return response.status_code, where


def check(client, persona, name, rule, method, url, foreign, failures, data=None):
    response, error = ask(client, method, url, data)
    note = " (someone else's)" if foreign else ""
    if error:
        failures.append(f"{method.upper()} {name} {url} as {persona}{note}: 500\n{error}")
        return
    may = persona in getattr(rule, method) and not foreign
    if may and rule.post_only and method == "get":
        may = False  # everybody who may POST gets 405 for a GET
    if may:
        if not allowed(response):
            failures.append(f"{method.upper()} {name} as {persona}{note}: {answer(response)}, expected to be allowed")
        return
    status, page = expected_refusal(persona, name, rule, method, foreign)
    expected = (status, reverse(page) if page else None)
    if answer(response) != expected:
        failures.append(f"{method.upper()} {name} as {persona}{note}: {answer(response)}, expected {expected}")
    elif status in (403, 404) and rule.logged and not name.startswith("admin:") and not response.refusals_logged:
        failures.append(f"{method.upper()} {name} as {persona}{note}: {status} without an entry in the security log")


def someone_elses(world):
    return {**world, **{name: world[other] for name, other in FOREIGN.items()}}


def run_matrix(client, persona, world):
    """Every URL, both methods; returns the failures and the number of requests made."""
    foreign = someone_elses(world)
    failures, asked = [], 0
    for name, rule in sorted(ALL_RULES.items()):
        try:
            url = url_of(name, rule, world)
        except NoReverseMatch as error:
            failures.append(f"{name}: {error}")
            continue
        for method in ("get", "post"):
            check(client, persona, name, rule, method, url, False, failures, data=rule.data(world))
            asked += 1
            if persona in getattr(rule, method) and rule.owned and persona != "staff":
                other_url = url_of(name, rule, foreign)
                if other_url != url:
                    check(client, persona, name, rule, method, other_url, True, failures, rule.data(foreign))
                    asked += 1
    return failures, asked


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, matrix_personas, matrix_world, persona):
    if persona == HALF_SIGNED_IN:
        client.force_login(matrix_personas["staff"], second_factor=False)
    elif persona != ANONYMOUS:
        client.force_login(matrix_personas[persona])
    failures, asked = run_matrix(client, persona, matrix_world)
    print(f"access matrix: {persona}: {len(ALL_RULES)} URLs x 2 methods, {asked} requests")
    assert not failures, f"{len(failures)} of {asked} requests as {persona} broke the rules:\n" + "\n".join(failures)


def test_matrix_size():
    size = len(ALL_RULES) * len(PERSONAS) * 2
    print(f"access matrix: {len(ALL_RULES)} URLs x {len(PERSONAS)} personas x 2 methods = {size}")


# --- every refusal reaches the security log ------------------------------------------------------------------
def partnership_of_eoi(w):
    return w["eoi"].partnership


# (URL name, persona, method, the refusal the matrix expects, the world's object the entry names; None: a page)
REFUSALS = [
    ("applications:detail", "outsider", "get", 404, lambda w: w["eoi"]),
    ("applications:confirm", "viewer", "post", 403, lambda w: w["eoi"]),
    ("applications:start", "staff", "get", 403, partnership_of_eoi),
    ("applications:start", "outsider", "get", 404, partnership_of_eoi),
    ("applications:recruitment_detail", "giz_recruiter", "get", 404, lambda w: w["recruiting_eoi"]),
    ("applications:recruitment_list", "german_contact", "get", 403, None),
    ("placements:candidate_detail", "giz_recruiter", "get", 404, lambda w: w["candidate"]),
    ("placements:placement_detail", "outsider", "get", 404, lambda w: w["placement"]),
    ("placements:activity_create", "german_contact", "post", 403, lambda w: w["placement"]),
    ("placements:shortlist_decide", "viewer", "post", 403, lambda w: w["selection_eoi"]),
    ("placements:event_detail", "outsider", "get", 404, lambda w: w["network_event"]),
    ("placements:event_register", "staff", "post", 403, lambda w: w["network_event"]),
    ("placements:my_placements", "outsider", "get", 403, None),
    ("partnerships:members", "outsider", "get", 404, lambda w: berlin()),
    ("partnerships:member_role", "viewer", "post", 403, lambda w: berlin()),
    ("partnerships:approve_join_request", "viewer", "post", 403, lambda w: w["join_request"]),
    ("partnerships:approve_join_request", "outsider", "post", 404, lambda w: w["join_request"]),
    ("partnerships:register_partnership", "partner_contact", "get", 403, None),
]


def test_a_refusal_is_logged(matrix_personas, matrix_world):
    """A 403 and a 404 for an object that exists each leave one entry naming the user, the address and the object.

    One world for every refusal (refused requests change nothing); each refusal's entry is the one it added."""
    wrong = {}
    for name, persona, method, status, obj in REFUSALS:
        rule, user = ALL_RULES[name], matrix_personas[persona]
        assert expected_refusal(persona, name, rule, method) == (status, None)  # what the matrix demands, too
        client = PortalClient()
        client.force_login(user)
        url = url_of(name, rule, matrix_world)
        before = set(AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED).values_list("pk", flat=True))
        response = getattr(client, method)(url, rule.data(matrix_world) if method == "post" else None)
        added = AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED).exclude(pk__in=before)
        named = obj(matrix_world) if obj else None
        expected = [(user.pk, urlsplit(url).path, *((named._meta.label_lower, str(named.pk)) if named else ("", "")))]
        logged = list(added.values_list("user", "path", "object_type", "object_id"))
        if response.status_code != status or logged != expected:
            wrong[f"{name} as {persona}"] = (response.status_code, logged)
    assert wrong == {}
