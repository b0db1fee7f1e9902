"""The label of a choice field's value, read without translating every other label of the field."""

from django.utils.encoding import force_str


class ChoiceLabels:
    """A model mixin: `get_FOO_display()` as Django's, but it compares the value with each choice instead of
    hashing every (value, label) pair, which translates every lazy label of the field to read one. A status
    translated its twelve labels; a record's timeline of ten entries, about six hundred."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        for choice, label in field.flatchoices:
            if choice == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)
