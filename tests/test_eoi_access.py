"""What the access matrix (test_access_matrix) does not say about EOI URLs: which refusal each person gets.

Someone with no part in an EOI learns nothing, not even that it exists (404); a member who may only read is
told no (403). Generated from the URLconf, so a new EOI URL is covered at once.
"""

from django.urls import get_resolver, reverse

# URLs a reader (a viewer, the other side, programme staff) may use; everything else writes.
READ_URLS = {
    "detail",
    "history",
    "versions",
    "pdf_status",
    "pdf_download",
    "attachment_download",
    "pdf_request",
    "terms",
    "terms_pdf",
    "message_attachment",
}
# The recruiters' area has its own access rule (the channel): see the access matrix and test_recruitment.py.
NOT_ABOUT_ONE_EOI = {"dashboard", "start", "invitation", "recruitment_list", "recruitment_detail", "vacancy"}


def url_parameters():
    """{url name: its parameter names}, straight from the URLconf."""
    return {
        entry.name: set(entry.pattern.converters)
        for entry in get_resolver("applications.urls").url_patterns
        if entry.name not in NOT_ABOUT_ONE_EOI
    }


def urls(eoi_world):
    values = {
        "pk": eoi_world["eoi"].pk,
        "part": "german",
        "number": eoi_world["terms"].number,
        **{f"{name}_pk": eoi_world[name].pk for name in ("invitation", "attachment", "document", "message")},
    }
    return {
        name: reverse(f"applications:{name}", kwargs={key: values[key] for key in parameters})
        for name, parameters in url_parameters().items()
    }


def test_the_table_knows_every_url():
    assert set(url_parameters()) >= READ_URLS


def test_outsider_gets_404_everywhere(client, eoi_world, outsider):
    client.force_login(outsider)
    wrong = []
    for name, url in sorted(urls(eoi_world).items()):
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status not in (404, 405):  # 405: the method is refused before anything is looked up
                wrong.append(f"{method.upper()} {name}: {status}")
    assert not wrong


def test_viewer_gets_403_on_every_write(client, eoi_world, viewer):
    client.force_login(viewer)
    writes = {name: url for name, url in urls(eoi_world).items() if name not in READ_URLS}
    wrong = [
        f"{name}: {status}"
        for name, url in sorted(writes.items())
        if (status := client.post(url, {"reason": "x", "language": "de"}).status_code) != 403
    ]
    assert not wrong


def test_outsider_sees_no_eoi_on_the_dashboard(client, eoi, outsider):
    client.force_login(outsider)
    assert client.get(reverse("applications:dashboard")).context["rows"] == []
