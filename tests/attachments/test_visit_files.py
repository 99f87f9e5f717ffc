"""Issue 20, item 4: photos and files on a visit. Stored through Django's storage API, never at a
public URL: served by a view that asks whether the reader may see the visit (404 otherwise).
The server judges each file by its first bytes, not its name, and by its size, and says which
file is wrong and why, next to the field; a photo gets a thumbnail. The author removes a file,
after confirming, while the month is open."""

import os
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from attachments.models import Attachment
from tests.factories import AccountFactory
from visits.services import monthly_log_approve, monthly_log_submit, visit_delete, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def visit(manager):
    return visit_log(account=AccountFactory(owner=manager), by=manager, channel="on_site", purpose="Review",
                     summary="Went through the deliveries.")


def photo(name="site.jpg", size=(1600, 1200), fmt="JPEG", noise=False):
    out = BytesIO()
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("RGB", size, "red")
    image.save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def add(client, visit, **files):
    return client.post(reverse("attachments:add", args=["visit", visit.pk]), files)


def test_the_author_adds_a_photo_and_a_pdf_and_they_are_served_to_who_sees_the_visit(
        client, manager, teammate, supervisor, visit, django_assert_max_num_queries):
    client.force_login(manager)
    pdf = SimpleUploadedFile("offer.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    response = add(client, visit, photos=[photo()], files=[pdf])
    assert response["Location"] == f"{visit.get_absolute_url()}#attachments"
    image, document = Attachment.objects.order_by("pk")
    assert (image.kind, image.mime_type, image.width, image.height) == ("image", "image/jpeg", 1600, 1200)
    assert document.kind == "document" and not document.thumbnail
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) == 480
    assert image.file.name.startswith("attachments/") and "site" not in image.file.name  # no names on disk

    page = client.get(visit.get_absolute_url()).content.decode()
    assert reverse("attachments:thumbnail", args=[image.pk]) in page and "offer.pdf" in page
    for reader in (manager, teammate, supervisor):
        client.force_login(reader)
        with django_assert_max_num_queries(8):  # session (5), user, the attachment with its type, the visit
            served = client.get(reverse("attachments:file", args=[image.pk]))
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert "private" in served["Cache-Control"]
    assert client.get(reverse("attachments:file", args=[document.pk]))["Content-Type"] == "application/pdf"


def test_an_outsider_gets_404_for_the_file_its_thumbnail_the_upload_and_the_delete(
        client, manager, outsider, visit):
    client.force_login(manager)
    add(client, visit, photos=[photo()])
    attachment = Attachment.objects.get()
    client.force_login(outsider)
    for url in (reverse("attachments:file", args=[attachment.pk]),
                reverse("attachments:thumbnail", args=[attachment.pk]),
                reverse("attachments:delete", args=[attachment.pk]),
                reverse("attachments:add", args=["visit", visit.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert client.post(reverse("attachments:add", args=["visit", visit.pk]), {"photos": [photo()]}).status_code == 404
    assert client.get(reverse("attachments:add", args=["nothing", visit.pk])).status_code == 404
    assert Attachment.objects.count() == 1


def test_a_teammate_sees_the_files_but_adds_and_removes_none(client, manager, teammate, visit):
    client.force_login(manager)
    add(client, visit, photos=[photo()])
    client.force_login(teammate)
    assert "Take a photo" not in client.get(visit.get_absolute_url()).content.decode()
    assert add(client, visit, photos=[photo()]).status_code == 403
    assert client.post(reverse("attachments:delete", args=[Attachment.objects.get().pk])).status_code == 403


def test_no_media_url_serves_the_files(client, manager, visit):
    client.force_login(manager)
    add(client, visit, photos=[photo()])
    assert client.get(f"/media/{Attachment.objects.get().file.name}").status_code == 404


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("notes.jpg", b"just text, named like a photo", content_type="image/jpeg"),
     "“notes.jpg” is not a photo or a PDF"),
    (SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"),
     "“virus.pdf” is not a photo or a PDF"),
    (SimpleUploadedFile("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", content_type="image/jpeg"),
     "“broken.jpg” could not be read as a photo"),
    (SimpleUploadedFile("empty.png", b"", content_type="image/png"), "The submitted file is empty."),
])
def test_a_wrong_file_is_refused_by_the_field_with_what_is_wrong(client, manager, visit, upload, message):
    client.force_login(manager)
    response = add(client, visit, files=[upload])
    assert response.status_code == 400
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "invalid-feedback" in response.content.decode() and not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(client, settings, manager, visit):
    settings.ATTACHMENTS_MAX_BYTES = 50_000
    client.force_login(manager)
    response = add(client, visit, photos=[photo(size=(300, 300), fmt="PNG", noise=True)])
    text = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 400 and "a file can be at most 48.8 KB" in text and "site.jpg" in text
    assert not Attachment.objects.exists()


def test_nothing_chosen_says_so(client, manager, visit):
    client.force_login(manager)
    response = add(client, visit)
    assert response.status_code == 400 and "Take a photo or choose a file first." in response.content.decode()


def test_the_author_removes_a_file_after_confirming_while_the_month_is_open(
        client, manager, supervisor, visit, django_capture_on_commit_callbacks):
    client.force_login(manager)
    add(client, visit, photos=[photo()], files=[photo("second.jpg")])
    first, second = Attachment.objects.order_by("pk")
    url = reverse("attachments:delete", args=[first.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove this file?" in confirm.content.decode()
    stored = first.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert list(Attachment.objects.all()) == [second]
    assert not os.path.exists(stored)  # the file goes with its row, once that is committed

    log = monthly_log_submit(author=manager, month=visit.log_month, by=manager)
    monthly_log_approve(log=log, by=supervisor)
    assert client.post(reverse("attachments:delete", args=[second.pk])).status_code == 403
    assert add(client, visit, photos=[photo()]).status_code == 403
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Take a photo" not in page and "Remove" not in page.split('id="attachments"')[1].split("</section>")[0]


def test_deleting_a_visit_deletes_its_files(client, manager, visit):
    client.force_login(manager)
    add(client, visit, photos=[photo()])
    visit_delete(visit=visit, by=manager)
    assert not Attachment.objects.exists()
