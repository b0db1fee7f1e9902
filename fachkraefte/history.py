"""Who changed a tracked object, when no request says so, and forgetting a person's history.

simple-history takes the author from the request (HistoryRequestMiddleware); in Celery tasks and
commands there is none. Every workflow transition is called with `by=`, so the transition itself
names the author of the save that follows it.
"""


def author_of_transition(sender, instance, method_kwargs, **kwargs):
    by = method_kwargs.get("by")
    if by is not None and hasattr(type(instance), "history"):
        instance._history_user = by


def forget_history(instance):
    """Delete every historical row of `instance`: they keep personal data the object no longer holds."""
    return instance.history.all().delete()
