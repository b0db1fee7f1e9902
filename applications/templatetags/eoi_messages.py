from django import template

from applications import messaging

register = template.Library()


@register.simple_tag(takes_context=True)
def message_thread(context, eoi, access):
    """The thread applicants see and, for those who may post, the form.

    After a refused post the view hands its bound form over on the request, so the page shows
    the input as it was sent and why it was refused.
    """
    request = context["request"]
    may_post = access.can_post_message
    form = (getattr(request, "message_form", None) or messaging.MessageForm()) if may_post else None
    return {"items": list(messaging.thread(eoi)), "form": form, "may_post": may_post}
