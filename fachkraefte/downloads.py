"""The one way the portal hands out a stored file: as an attachment nobody caches or sniffs."""

from django.http import FileResponse, Http404


def private_download(file, filename, content_type=None):
    """`file` is a stored file (opened here; 404 if it is gone) or an open binary stream."""
    try:
        handle = file.open("rb") if hasattr(file, "open") else file
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=filename or None, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
