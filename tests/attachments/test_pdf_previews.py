"""Issue 23, item 2: a PDF shows a preview of its first page, drawn once at upload (PDFium,
through pypdfium2) and kept beside the file; served through the same scope-checked view as a
photo's thumbnail. A PDF that cannot be drawn (broken, locked with a password, a page of absurd
size) is kept as it is and shows the PDF icon: an upload never fails for its preview."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from attachments.models import Attachment
from attachments.services import pdf_preview
from tests.attachments import pdfs
from tests.factories import AccountFactory
from tests.visits.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Haier")


def upload(client, record, kind, data, name="contract.pdf"):
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(reverse("attachments:add", args=[kind, record.pk]), {"files": [file]})


def panel(client, record):
    return client.get(record.get_absolute_url()).content.decode().split('id="attachments"')[1].split("</section>")[0]


def served_image(client, attachment):
    response = client.get(reverse("attachments:thumbnail", args=[attachment.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "image/png"
    return Image.open(BytesIO(b"".join(response.streaming_content)))


def test_a_contracts_first_page_is_its_preview_for_everyone_who_sees_the_account(
        client, manager, supervisor, account):
    client.force_login(manager)
    assert upload(client, account, "account", pdfs.one_page()).status_code == 302
    attachment = Attachment.objects.of(account).get()
    assert attachment.thumbnail.name.endswith(".png") and attachment.kind == Attachment.Kind.DOCUMENT

    for reader in (manager, supervisor):
        client.force_login(reader)
        shown = panel(client, account)
        assert reverse("attachments:thumbnail", args=[attachment.pk]) in shown and ">PDF<" not in shown
        assert 'alt="First page of contract.pdf"' in shown
        image = served_image(client, attachment)
        assert image.size == (340, 480)  # A4, bounded by the longer side
        assert image.getpixel((5, 5))[2] > 120 > image.getpixel((5, 5))[0]  # the page's blue band, drawn
        assert image.getpixel((5, 300)) == (255, 255, 255)
    file = client.get(reverse("attachments:file", args=[attachment.pk]))
    assert file["Content-Type"] == "application/pdf" and b"".join(file.streaming_content) == pdfs.one_page()


def test_a_visits_pdf_has_its_preview_too(client, manager, account):
    visit = VisitFactory(account=account, author=manager)
    client.force_login(manager)
    upload(client, visit, "visit", pdfs.one_page("Minutes"), name="minutes.pdf")
    assert served_image(client, Attachment.objects.of(visit).get()).size == (340, 480)


@pytest.mark.parametrize("data", [b"%PDF-1.7\nnot really a PDF", pdfs.encrypted(),
                                  pdfs.one_page(width=20000, height=20000)],
                         ids=["broken", "encrypted", "absurd page"])
def test_a_pdf_that_cannot_be_drawn_is_kept_with_the_icon(client, manager, account, data):
    client.force_login(manager)
    assert upload(client, account, "account", data).status_code == 302
    attachment = Attachment.objects.of(account).get()
    assert not attachment.thumbnail
    assert ">PDF<" in panel(client, account)
    assert client.get(reverse("attachments:thumbnail", args=[attachment.pk])).status_code == 404
    assert b"".join(client.get(reverse("attachments:file", args=[attachment.pk])).streaming_content) == data


def test_a_small_page_is_not_blown_up():
    image = Image.open(pdf_preview(pdfs.one_page(width=90, height=50)))
    assert image.size == (180, 100)  # twice its size in points at most


def test_an_outsider_gets_404_for_the_preview(client, manager, outsider, account):
    client.force_login(manager)
    upload(client, account, "account", pdfs.one_page())
    attachment = Attachment.objects.of(account).get()
    client.force_login(outsider)
    assert client.get(reverse("attachments:thumbnail", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachments:file", args=[attachment.pk])).status_code == 404
