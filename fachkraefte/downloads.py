"""The one way the portal hands out a stored file: as an attachment nobody caches or sniffs, and logged."""

from django.http import FileResponse, Http404

from fachkraefte import audit


def private_download(request, obj, file, filename, content_type=None, *, kind=audit.Kind.DOWNLOAD):
    """`file` is a stored file (opened here; 404 if it is gone) or an open binary stream.

    `obj` is what the file belongs to (the candidate for a CV, the attachment, the report...); the
    security log gets an entry of `kind` (an export hands out a download too) for every file given out.
    """
    try:
        handle = file.open("rb") if hasattr(file, "open") else file
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=filename or None, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit.log(kind, request, obj=obj, detail=filename or "")
    return response
