"""Issue 20, item 4, on a phone: the manager adds a photo to a saved visit; the browser makes it
smaller before sending (a 4000 px picture arrives 1600 px wide), the visit shows its thumbnail,
and the file is served only to who may see the visit — a manager of another team gets 404. A
file that is no photo, or one too large, is refused with the reason next to the field."""

import os
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from attachments.models import Attachment
from tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory
from visits.services import visit_log

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def visit(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    li = UserFactory(username="li")
    UserFactory(username="huang", team=TeamFactory(name="South China"))
    return visit_log(account=AccountFactory(name="东方电子", owner=li), by=li, channel="on_site",
                     purpose="Quarterly review", summary="Reviewed deliveries.")


def jpeg(path, size):
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).resize(size)
    out = BytesIO()
    image.save(out, "JPEG", quality=70)
    path.write_bytes(out.getvalue())
    return path


def test_a_photo_is_made_smaller_on_the_phone_and_served_only_inside_the_scope(
        page, live_server, log_in, screenshot, visit, tmp_path):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")
    page.get_by_label("Choose photos or files").set_input_files(str(jpeg(tmp_path / "shelf.jpg", (4000, 3000))))
    expect(page.locator("form.js-attach-form button[type=submit]")).to_be_enabled()
    page.wait_for_function("!document.querySelector('#id_files').dataset.busy")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("1 file attached.")).to_be_visible()
    expect(page.locator(".attachment-thumb")).to_have_count(1)
    screenshot("photo-1-attached-phone")
    attachment = Attachment.objects.get()
    assert (attachment.width, attachment.height) == (1600, 1200) and attachment.mime_type == "image/jpeg"

    file_url = f"{live_server.url}/attachments/{attachment.pk}/"
    assert page.request.get(file_url).status == 200
    page.context.clear_cookies()
    log_in("huang", PASSWORD)
    assert page.goto(file_url).status == 404
    assert page.goto(f"{live_server.url}/attachments/{attachment.pk}/thumbnail/").status == 404
    assert page.goto(f"{live_server.url}{visit.get_absolute_url()}").status == 404


def test_a_file_that_is_no_photo_or_too_large_is_refused_with_the_reason_by_the_field(
        page, live_server, log_in, screenshot, visit, tmp_path, settings):
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")
    fake = tmp_path / "receipt.jpg"
    fake.write_text("not a picture at all")
    page.get_by_label("Choose photos or files").set_input_files(str(fake))
    page.wait_for_function("!document.querySelector('#id_files').dataset.busy")
    page.get_by_role("button", name="Attach").click()
    error = page.locator("#div_id_files .invalid-feedback")
    expect(error).to_contain_text("“receipt.jpg” is not a photo or a PDF")
    screenshot("photo-2-wrong-type-phone")

    settings.ATTACHMENTS_MAX_BYTES = 20_000
    big = tmp_path / "contract.pdf"
    big.write_bytes(b"%PDF-1.7\n" + os.urandom(60_000))
    page.get_by_label("Choose photos or files").set_input_files(str(big))
    page.get_by_role("button", name="Attach").click()
    expect(page.locator("#div_id_files .invalid-feedback")).to_contain_text("a file can be at most 19.5")
    assert not Attachment.objects.exists()
