"""Add pages take `?field=value` prefills from their link; one that names no possible object is dropped.

Django's admin hands such values to the form unchecked, and an autocomplete or raw-id widget then looks
them up in the database: `?municipality=abc` from a hand-edited or truncated link was a server error.
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError


class CheckedPrefillMixin:
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {name: value for name, value in initial.items() if self._could_be_saved(name, value)}

    def _could_be_saved(self, name, value):
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return True  # not a model field: the admin's own code reads it
        if not field.is_relation:
            return True  # shown as typed, and checked on saving
        values = value if isinstance(value, list) else [value]
        try:
            for one in values:
                field.target_field.to_python(one)
        except ValidationError:
            return False
        return True
