"""The company details page: managers and administrators only; the tax ID's check digit; the
logo's size limit; images kept through the storage API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from company.models import CompanyProfile
from company.services import company_profile_save
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
URL = "/company/"
VALID = "91110108551385082Q"  # a real code's shape, with its check digit


def png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def form(**over):
    data = {
        "legal_name": "上海明辉制造有限公司",
        "english_name": "Shanghai Minghui Manufacturing Co., Ltd.",
        "tax_id": VALID,
        "phone": "021-5555 0101",
        "address": "上海市浦东新区张江路 1 号",
        "bank_name": "招商银行上海张江支行",
        "bank_account": "1219 0000 0000 0001",
        "quote_terms": "预付 30%，验收后付清。",
    }
    data.update(over)
    return data


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.parametrize("role", ["manager", None])
def test_manager_and_admin_save_the_details(role):
    from roles.tests.factories import UserFactory

    user = user_with(role) if role else UserFactory(is_superuser=True, is_staff=True)
    client = client_for(user)
    assert client.get(URL).status_code == 200
    data = form(tax_id="9111 0108 5513 8508 2q", logo=SimpleUploadedFile("logo.png", png()))
    response = client.post(URL, data)
    assert response.status_code == 302
    profile = CompanyProfile.objects.get()
    assert profile.tax_id == VALID
    assert profile.bank_name == "招商银行上海张江支行"
    assert profile.logo.name.startswith("company/")
    with profile.logo.storage.open(profile.logo.name, "rb") as stream:
        assert stream.read()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("role", ["sales", "finance", "service"])
def test_other_roles_are_refused(role):
    client = client_for(user_with(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form()).status_code == 403
    assert not CompanyProfile.objects.exists()


def test_the_service_refuses_other_roles_too():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        company_profile_save(user=user_with("finance"), legal_name="X")


@pytest.mark.parametrize(
    "tax_id, message",
    [
        ("91110108551385082A", "check digit"),
        ("9111010855138508", "18 characters"),
        ("9111010855138508IQ", "18 characters"),
    ],
)
def test_a_wrong_tax_id_is_shown_again_and_nothing_saved(tax_id, message):
    client = client_for(user_with("manager"))
    response = client.post(URL, form(tax_id=tax_id))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CompanyProfile.objects.exists()


def test_a_logo_over_the_limit_is_refused(settings):
    settings.LTC = {**settings.LTC, "COMPANY_IMAGE_MAX_BYTES": 1000}
    client = client_for(user_with("manager"))
    big = SimpleUploadedFile("logo.png", png((600, 600)))
    assert big.size > 1000
    response = client.post(URL, form(logo=big))
    assert response.status_code == 400
    assert "it may be at most" in response.content.decode()
    assert not CompanyProfile.objects.exists()


def test_not_an_image_is_refused():
    client = client_for(user_with("manager"))
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>")
    response = client.post(URL, form(logo=fake))
    assert response.status_code == 400
    assert not CompanyProfile.objects.exists()


def test_replacing_the_logo_deletes_the_old_file(django_capture_on_commit_callbacks):
    manager = user_with("manager")
    with django_capture_on_commit_callbacks(execute=True):
        first = company_profile_save(
            user=manager, legal_name="A", logo=SimpleUploadedFile("a.png", png())
        )
    old = first.logo.name
    storage = first.logo.storage
    assert storage.exists(old)
    with django_capture_on_commit_callbacks(execute=True):
        second = company_profile_save(
            user=manager, legal_name="A", logo=SimpleUploadedFile("b.png", png())
        )
    assert second.logo.name != old
    assert storage.exists(second.logo.name) and not storage.exists(old)


def test_the_page_is_in_the_managers_navigation():
    page = client_for(user_with("manager")).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
    page = client_for(user_with("sales")).get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in page
