"""Template context about the sign-in itself."""

from django.utils.functional import SimpleLazyObject

from partnerships import two_factor


def sign_in(request):
    """`signed_in`: past the password and any second factor the session needs; until then the navigation
    offers nothing the session could not reach (only the language and logging out)."""
    return {"signed_in": SimpleLazyObject(lambda: two_factor.fully_signed_in(request))}
