"""The EOI printed to PDF: rendering once per content and language, requesting, watching, downloading."""

import datetime
import io
import re
import urllib.request

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from applications.documents import render_document, request_document
from applications.models import Document, Event, ExpressionOfInterest, Participant
from applications.tasks import render_eoi_pdf
from fachkraefte.pdf import local_url_fetcher
from partnerships.models import Side
from tests.factories import GermanMunicipalityFactory, PartnershipFactory

TRANSPARENCY = "Quarterly open council reports Quokkatransparent."
COOPERATION = "Water utility and planning office Quokkacooperative."
INCLUSION = "Women engineers are trained first Quokkainclusive."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def printed_eoi(partnership, german_municipality, partner_municipality, german_contact):
    """A complete EOI of Berlin and Windhoek, with distinctive answers to the three principles."""
    eoi = ExpressionOfInterest.objects.create(
        partnership=partnership,
        specialist_model="local",
        created_by=german_contact,
        motivation="Berlin wants to deepen its water partnership.\nSecond line of motivation.",
        german_contribution="Two weeks of staff time a year.",
        german_departments="Berliner Wasserbetriebe",
        german_contact_name="Karin Kontakt",
        german_contact_email="karin@berlin.example",
        need="Water losses of 40 per cent.",
        tasks_and_goals="Reduce losses, train staff.",
        expertise_sought="Water network engineering",
        places_of_assignment="Windhoek",
        working_languages=[{"language": "fr", "level": "C1"}],
        wished_start=datetime.date(2027, 3, 1),
        partner_contact_name="Nangula Shikongo",
        partner_contact_email="nangula@windhoek.example",
        principle_transparency=TRANSPARENCY,
        principle_cooperation=COOPERATION,
        principle_inclusion=INCLUSION,
        themes=["climate"],
        sdgs=[6],
    )
    Participant.objects.create(eoi=eoi, municipality=german_municipality, side=Side.GERMAN)
    Participant.objects.create(eoi=eoi, municipality=partner_municipality, side=Side.PARTNER)
    return eoi


@pytest.fixture
def other_eoi(german_contact):
    hamburg = GermanMunicipalityFactory(name="Hamburg", ags="02000000")
    eoi = ExpressionOfInterest.objects.create(
        partnership=PartnershipFactory(german=hamburg), specialist_model="local", created_by=german_contact
    )
    Participant.objects.create(eoi=eoi, municipality=hamburg, side=Side.GERMAN)
    return eoi


def pdf_text(document):
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def ready_document(eoi, language="de", fingerprint=None):
    document = Document.objects.create(eoi=eoi, language=language, fingerprint=fingerprint or eoi.fingerprint())
    document.file.save(f"test-{eoi.pk}-{language}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.state = Document.State.READY
    document.save()
    return document


# --- rendering ------------------------------------------------------------------------------------


def test_task_renders_the_whole_eoi_in_german(printed_eoi):
    render_eoi_pdf.apply(args=(printed_eoi.pk, "de"), throw=True)

    document = Document.objects.get(eoi=printed_eoi, language="de")
    assert document.state == Document.State.READY
    assert document.ready_at is not None
    assert document.fingerprint == printed_eoi.fingerprint()
    assert document.file.name == f"eoi-pdfs/eoi-{printed_eoi.pk}-de-{printed_eoi.fingerprint()[:12]}.pdf"
    text = pdf_text(document)
    for expected in ["Berlin", "Windhoek", TRANSPARENCY, COOPERATION, INCLUSION, "Karin Kontakt"]:
        assert expected in text
    assert "Deutsche Seite" in text  # the German label of the German side's part
    assert "Fachkraftmodell" in text
    assert "Französisch C1" in text


def test_french_pdf_has_french_labels(printed_eoi):
    text = pdf_text(render_document(printed_eoi.pk, "fr"))
    assert "Côté allemand" in text
    assert "modèle de spécialiste".capitalize() in text
    assert INCLUSION in text


def test_english_pdf_has_every_part_and_label(printed_eoi):
    text = pdf_text(render_document(printed_eoi.pk, "en"))
    for expected in [
        "German side",
        "Partner side",
        "Together",
        "The programme's three principles",
        "How you will make the project work transparent",
        "French C1",
        "Climate change",
        "6 Clean water and sanitation",
        "Berlin",
        "Namibia",
        "Local expert",
        "Draft",
    ]:
        assert expected in text


def test_running_twice_gives_one_row_and_one_file(printed_eoi, media_root):
    first = render_document(printed_eoi.pk, "de")
    render_eoi_pdf.apply(args=(printed_eoi.pk, "de"), throw=True)

    assert Document.objects.filter(eoi=printed_eoi).count() == 1
    assert Document.objects.get().ready_at == first.ready_at
    assert len(stored_files(media_root)) == 1


def test_a_leftover_file_of_an_interrupted_run_is_replaced(printed_eoi, media_root):
    name = f"eoi-pdfs/eoi-{printed_eoi.pk}-de-{printed_eoi.fingerprint()[:12]}.pdf"
    (media_root / "eoi-pdfs").mkdir()
    (media_root / name).write_bytes(b"half a file")

    document = render_document(printed_eoi.pk, "de")

    assert document.file.name == name
    assert stored_files(media_root) == [media_root / name]
    assert (media_root / name).read_bytes().startswith(b"%PDF")


def test_changed_content_gives_a_new_document(printed_eoi, media_root):
    first = render_document(printed_eoi.pk, "de")
    printed_eoi.principle_inclusion = "A changed answer Quokkachanged."
    printed_eoi.save()

    second = render_document(printed_eoi.pk, "de")

    assert second.pk != first.pk
    assert second.fingerprint != first.fingerprint
    assert "Quokkachanged" in pdf_text(second)
    assert Document.objects.filter(eoi=printed_eoi).count() == 2
    assert len(stored_files(media_root)) == 2


def test_a_request_for_content_that_changed_since_is_replaced(printed_eoi):
    stale = Document.objects.create(eoi=printed_eoi, language="de", fingerprint="0" * 64)

    render_document(printed_eoi.pk, "de")

    assert not Document.objects.filter(pk=stale.pk).exists()


def test_request_document_records_and_queues_after_commit(
    printed_eoi, viewer, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(render_eoi_pdf, "apply_async", lambda args, **options: queued.append(tuple(args)))

    with django_capture_on_commit_callbacks(execute=True):
        document = request_document(printed_eoi, "fr", by=viewer)
        assert queued == []

    assert queued == [(printed_eoi.pk, "fr")]
    assert document.state == Document.State.PREPARING
    assert document.fingerprint == printed_eoi.fingerprint()
    assert Event.objects.filter(eoi=printed_eoi, kind=Event.Kind.PDF_REQUESTED, actor=viewer).exists()


def test_request_document_does_not_queue_a_ready_pdf_again(printed_eoi, viewer, django_capture_on_commit_callbacks):
    ready = ready_document(printed_eoi)

    with django_capture_on_commit_callbacks() as callbacks:
        assert request_document(printed_eoi, "de", by=viewer) == ready

    assert callbacks == []


def test_url_fetcher_refuses_the_network():
    fetcher = local_url_fetcher()
    for url in ["http://example.org/style.css", "https://example.org/logo.png", "ftp://example.org/x"]:
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher(url)
    assert fetcher("data:text/plain,local").read() == b"local"


def test_weasyprint_never_opens_a_remote_url(monkeypatch):
    opened = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, *args, **kwargs: opened.append(args))
    html = '<link rel="stylesheet" href="http://example.org/x.css"><img src="https://example.org/x.png">'

    pdf = weasyprint.HTML(string=html, url_fetcher=local_url_fetcher()).write_pdf()

    assert pdf.startswith(b"%PDF")
    assert opened == []


# --- views ----------------------------------------------------------------------------------------


def test_reader_requests_a_pdf(client, viewer, printed_eoi, django_capture_on_commit_callbacks):
    client.force_login(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:pdf_request", args=[printed_eoi.pk]), {"language": "fr"})

    assert response.status_code == 302
    assert response.url == reverse("applications:detail", args=[printed_eoi.pk])
    document = Document.objects.get(eoi=printed_eoi)
    assert document.language == "fr"
    assert document.state == Document.State.READY  # the task ran inline: the tests have no broker
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("PDF" in m for m in messages)


def test_request_with_an_unknown_language_is_refused(client, viewer, printed_eoi):
    client.force_login(viewer)
    response = client.post(reverse("applications:pdf_request", args=[printed_eoi.pk]), {"language": "xx"})

    assert response.status_code == 302
    assert not Document.objects.exists()
    assert [m.level_tag for m in response.wsgi_request._messages] == ["error"]


def test_get_on_request_is_not_allowed(client, viewer, printed_eoi):
    client.force_login(viewer)
    assert client.get(reverse("applications:pdf_request", args=[printed_eoi.pk])).status_code == 405


def test_reader_downloads_a_ready_pdf(client, viewer, printed_eoi):
    document = render_document(printed_eoi.pk, "de")
    client.force_login(viewer)

    response = client.get(reverse("applications:pdf_download", args=[printed_eoi.pk, document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="interessensbekundung-{printed_eoi.pk}-de.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_outsider_gets_404_everywhere(client, outsider, printed_eoi):
    document = ready_document(printed_eoi)
    client.force_login(outsider)

    assert (
        client.post(reverse("applications:pdf_request", args=[printed_eoi.pk]), {"language": "de"}).status_code == 404
    )
    assert client.get(reverse("applications:pdf_download", args=[printed_eoi.pk, document.pk])).status_code == 404
    assert client.get(reverse("applications:pdf_status", args=[printed_eoi.pk])).status_code == 404
    assert Document.objects.count() == 1


def test_anonymous_is_sent_to_log_in(client, printed_eoi):
    response = client.get(reverse("applications:pdf_status", args=[printed_eoi.pk]))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_document_of_another_eoi_is_404(client, viewer, printed_eoi, other_eoi):
    foreign = ready_document(other_eoi)
    client.force_login(viewer)
    assert client.get(reverse("applications:pdf_download", args=[printed_eoi.pk, foreign.pk])).status_code == 404


def test_document_not_ready_is_404(client, viewer, printed_eoi):
    preparing = Document.objects.create(eoi=printed_eoi, language="de", fingerprint=printed_eoi.fingerprint())
    client.force_login(viewer)
    assert client.get(reverse("applications:pdf_download", args=[printed_eoi.pk, preparing.pk])).status_code == 404


def test_status_partial_polls_while_preparing(client, viewer, printed_eoi):
    Document.objects.create(eoi=printed_eoi, language="de", fingerprint=printed_eoi.fingerprint())
    Document.objects.create(eoi=printed_eoi, language="fr", fingerprint=printed_eoi.fingerprint())
    client.force_login(viewer)

    response = client.get(reverse("applications:pdf_status", args=[printed_eoi.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('hx-trigger="every 3s"') == 1
    assert f'hx-get="{reverse("applications:pdf_status", args=[printed_eoi.pk])}"' in html
    assert 'hx-swap="outerHTML"' in html
    assert 'id="document-de"' in html
    assert not re.search(r'href="[^"]*/pdf/\d+/"', html)  # no download link yet


def test_status_partial_links_a_ready_pdf_and_stops_polling(client, viewer, printed_eoi):
    document = ready_document(printed_eoi)
    Document.objects.create(eoi=printed_eoi, language="fr", fingerprint="0" * 64)  # content since changed
    client.force_login(viewer)

    html = client.get(reverse("applications:pdf_status", args=[printed_eoi.pk])).content.decode()

    assert reverse("applications:pdf_download", args=[printed_eoi.pk, document.pk]) in html
    assert "hx-trigger" not in html
    assert 'id="document-fr"' not in html
    assert "<script" not in html and "style=" not in html


def test_detail_page_shows_the_documents(client, viewer, printed_eoi):
    document = ready_document(printed_eoi)
    client.force_login(viewer)

    html = client.get(reverse("applications:detail", args=[printed_eoi.pk])).content.decode()

    assert 'id="eoi-documents"' in html
    assert reverse("applications:pdf_download", args=[printed_eoi.pk, document.pk]) in html
