"""What a join request's declared steps need beyond their @transition: the membership it grants, who is told."""

from django.utils.translation import gettext_lazy

from fachkraefte.workflow import Step, Workflow, register
from partnerships import memberships
from partnerships.models import JoinRequest, JoinRequestStatus


class JoinRequestWorkflow(Workflow):
    def effects(self, join_request, step, *, by, previous, entry):
        from partnerships.services import notify_requester  # services run these steps

        if join_request.status == JoinRequestStatus.APPROVED:
            # An existing membership stays as it is; the grant is recorded by the membership policy.
            memberships.add(
                join_request.user,
                join_request.municipality,
                join_request.role,
                by=by,
                via=memberships.Via.JOIN_REQUEST,
                reference=join_request.pk,
            )
        notify_requester(join_request)


JOIN_REQUEST_WORKFLOW = register(
    JoinRequest,
    JoinRequestWorkflow(steps={"approve": Step(gettext_lazy("Approve")), "decline": Step(gettext_lazy("Decline"))}),
)
