"""The one runner for every workflow step of every django-fsm model.

A step is a `@transition` declared on its model: its source, target, `permission` and `conditions`
are the rule, and this module only ever asks the declaration. What a step needs beyond it (its
label, whether a reason is required, extra arguments to check, what to record, whom to tell) each
app declares once in a `Workflow` registered for its model. Services, portal views and the admin
all run steps through `run_step`; a refusal is a `StepRefused` carrying the sentence the user reads.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from fachkraefte import audit


class StepRefused(Exception):  # noqa: N818 - a refusal the user reads, not a bug
    """The step may not run now; `message` is the sentence the user reads."""

    forbidden = False

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class StepForbidden(StepRefused, PermissionDenied):
    """The declared permission never lets this user take the step: a view that does not catch it answers 403."""

    forbidden = True


@dataclass(frozen=True)
class Step:
    label: str
    reason_required: bool = False
    # Keyword arguments of the @transition method besides `by`, e.g. ("new_end",); a step that keeps
    # the person's reason on the object names "comment" among them and is given it.
    arguments: tuple = ()


@dataclass
class Workflow:
    """What one model's steps need beyond their declaration; subclass to check, record and tell."""

    steps: dict = field(default_factory=dict)
    reason_prompt: str = gettext_lazy("Please give a reason.")

    def check(self, obj, step, arguments):
        """Refuse bad arguments (dates, say) with StepRefused; the declaration has passed already."""

    def unmet_conditions(self, obj, step):
        return _("The conditions for this step are not met.")

    def before_save(self, obj, step):
        """Set what goes with the new status (a timestamp, say) before the row is saved."""

    def record(self, obj, step, *, by, previous, comment, params):
        """Write what happened and return the record (or None); runs in the step's transaction."""

    def effects(self, obj, step, *, by, previous, entry):
        """Queue what follows (outbox e-mails, tasks on commit); runs in the step's transaction."""


_WORKFLOWS = {}


def register(model, workflow):
    _WORKFLOWS[model] = workflow
    return workflow


def workflow_of(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _WORKFLOWS[model._meta.concrete_model]


def declared(obj, step):
    """The bound @transition method named `step`, or None when the model declares no such step."""
    method = getattr(obj, step, None) if step in workflow_of(obj).steps else None
    return method if method is not None and hasattr(method, "_django_fsm") else None


def may_ever_run(method, user):
    """The declared permission from any source: whoever fails it is refused before being told about status."""
    meta = method._django_fsm
    return any(meta.has_transition_perm(method.__self__, source, user) for source in meta.transitions)


def may_take(obj, step, user):
    """Whether the declaration ever lets `user` take `step` on `obj` (a page that offers the step asks this)."""
    method = declared(obj, step)
    return method is not None and may_ever_run(method, user)


def state_of(method):
    meta = method._django_fsm
    return getattr(method.__self__, meta.field.attname)


def may_run_now(method, user):
    """The declared permission from the current status (conditions aside)."""
    return method._django_fsm.has_transition_perm(method.__self__, state_of(method), user)


def steps_open_to(obj, user):
    """The steps `user` may run from the current status, in the order they are declared (conditions aside)."""
    names = []
    for step in workflow_of(obj).steps:
        method = declared(obj, step)
        if method and can_proceed(method, check_conditions=False) and may_run_now(method, user):
            names.append(step)
    return names


def lock_rows(queryset, *related):
    """The rows of `queryset` locked for update in one query, in pk order, with `related` joined (not locked):
    for a batch (an admin action) that runs run_step(row, …, locked=True) on each inside one transaction.atomic().
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("lock_rows() locks for a transaction the caller opened.")
    rows = queryset.model._default_manager.filter(pk__in=queryset.values("pk")).select_related(*related)
    return list(rows.select_for_update(of=("self",)).order_by("pk"))


def run_step(obj, step, *, by, comment="", params=None, locked=False, **arguments):
    """Lock the row, check the declaration, run the step, save, record and queue its effects: one transaction.

    `comment` is what the person wrote; `params` are particulars the system records (a reason it
    gives itself counts as the reason a step requires). Two people pressing different buttons at
    once: the second waits for the lock, then finds the status changed and is refused.
    `locked`: `obj` was read with its lock in the caller's open transaction (lock_rows), so it is current
    and not fetched again; the step then runs in a savepoint of that transaction.
    """
    if locked and not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("run_step(locked=True) needs the caller's transaction.")
    flow = workflow_of(obj)
    spec = flow.steps.get(step)
    if spec is None or declared(obj, step) is None:
        raise StepRefused(_("There is no such step."))
    comment, params = (comment or "").strip(), params or {}
    if spec.reason_required and not comment and not params:
        raise StepRefused(flow.reason_prompt)
    unknown = set(arguments) - set(spec.arguments)
    if unknown:
        raise TypeError(f"{step} takes no {', '.join(sorted(unknown))}")
    if "comment" in spec.arguments:
        arguments["comment"] = comment
    try:
        with transaction.atomic():
            current = obj if locked else type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            method = declared(current, step)
            _check_declaration(current, method, by)
            flow.check(current, step, arguments)
            previous = state_of(method)
            method(by=by, **arguments)
            flow.before_save(current, step)
            current.save()
            entry = flow.record(current, step, by=by, previous=previous, comment=comment, params=params)
            flow.effects(current, step, by=by, previous=previous, entry=entry)
    except StepForbidden:
        # Logged once the step's transaction has rolled back, or the entry would roll back with it.
        audit.log(audit.Kind.ACCESS_REFUSED, obj=obj, detail=f"step {step}")
        raise
    return current


def _check_declaration(obj, method, user):
    if not may_ever_run(method, user):
        raise refused_forbidden(obj, method.__name__)
    if not can_proceed(method, check_conditions=False):
        status = obj._get_FIELD_display(method._django_fsm.field)
        raise StepRefused(
            _("This step is not possible from the status “%(status)s”; someone may have moved it meanwhile.")
            % {"status": status}
        )
    if not may_run_now(method, user):
        raise refused_forbidden(obj, method.__name__)
    if not can_proceed(method):
        raise StepRefused(workflow_of(obj).unmet_conditions(obj, method.__name__))


def refused_forbidden(obj, step):
    """The user may not run this step at all (run_step logs it): answered with 403 by the views."""
    return StepForbidden(_("You may not take this step."))


def refusal_message(refused):
    """What a view shows for a refused step: its sentence; a step the user may never take answers 403."""
    if refused.forbidden:
        raise PermissionDenied from refused
    return refused.message
