"""회원가입's 약관: 이용약관 and 개인정보 수집·이용 동의 (required, the version shown stored
with its time), 마케팅 정보 수신 동의 (optional, changed in 마이메뉴 with its time), and their
admin."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import MARKETING, PRIVACY, TERMS, ConsentRecord, PolicyDocument, User
from tests.accounts.test_accounts import signup_data
from tests.conftest import page_text


def current(kind):
    return PolicyDocument.objects.current(kind)


def test_the_first_versions_come_with_the_migration(db):
    assert current(TERMS).version == 1 and "제1조" in current(TERMS).body
    assert current(PRIVACY).version == 1 and "수집하는 항목" in current(PRIVACY).body


def test_signup_shows_both_documents_and_the_three_boxes(client, db):
    PolicyDocument.objects.create(kind=TERMS, version=2, title="이용약관", body="둘째 판 <b>본문</b>")
    html = client.get("/accounts/signup/").content.decode()

    assert "둘째 판 &lt;b&gt;본문&lt;/b&gt;" in html  # plain text, escaped
    assert "제2판" in html and "수집하는 항목" in html
    for name in ("agree_terms", "agree_privacy", "agree_marketing"):
        assert f'name="{name}"' in html
    assert 'name="terms_version" value="2"' in html


def test_the_newest_version_already_in_effect_is_the_one_shown(client, db):
    later = timezone.now() + timedelta(days=7)
    PolicyDocument.objects.create(kind=TERMS, version=2, title="이용약관", body="다음 주 시행", effective_at=later)

    assert current(TERMS).version == 1
    assert "다음 주 시행" not in client.get("/accounts/signup/").content.decode()
    assert "다음 주 시행" not in client.get("/accounts/terms/").content.decode()


def test_signup_records_the_versions_agreed_to_and_the_time(client, db):
    before = timezone.now()
    response = client.post("/accounts/signup/", signup_data(terms_version=1, privacy_version=1, agree_marketing="on"))

    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    records = {record.kind: record for record in ConsentRecord.objects.filter(user=user)}
    assert set(records) == {TERMS, PRIVACY, MARKETING}
    assert records[TERMS].document == current(TERMS) and records[PRIVACY].document == current(PRIVACY)
    assert all(record.agreed and record.recorded_at >= before for record in records.values())


def test_marketing_is_optional_and_a_no_is_recorded_too(client, db):
    assert client.post("/accounts/signup/", signup_data()).status_code == 302

    record = ConsentRecord.objects.get(user__username="newbie", kind=MARKETING)
    assert record.agreed is False


@pytest.mark.parametrize(
    "missing, message",
    [
        ("agree_terms", "이용약관에 동의해야 가입할 수 있습니다."),
        ("agree_privacy", "개인정보 수집·이용에 동의해야 가입할 수 있습니다."),
    ],
)
def test_refusing_a_required_consent_saves_nothing(client, db, missing, message):
    data = signup_data()
    del data[missing]

    response = client.post("/accounts/signup/", data)

    assert response.status_code == 400
    assert message in page_text(response)
    assert not User.objects.exists() and not ConsentRecord.objects.exists()
    assert 'value="newbie"' in response.content.decode()  # the form comes back as typed


@pytest.mark.parametrize("value", ["false", "0", "off", "no", "agree"])
def test_a_forged_no_is_no(client, db, value):
    response = client.post("/accounts/signup/", signup_data(agree_terms=value))

    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize("version", [2, 99, -1])
def test_a_version_that_is_not_the_current_one_is_refused(client, db, version):
    """A document changed while the member read the old one, or a forged version number."""
    response = client.post("/accounts/signup/", signup_data(terms_version=version))

    assert response.status_code == 400
    assert "이용약관이 바뀌었습니다. 바뀐 내용을 확인하고 다시 동의해 주세요." in page_text(response)
    assert not User.objects.exists()


def test_a_garbled_version_is_refused_in_korean(client, db):
    response = client.post("/accounts/signup/", signup_data(privacy_version="abc"))

    assert response.status_code == 400
    assert "개인정보 수집·이용 동의 판은 숫자로 입력해 주세요." in page_text(response)
    assert not User.objects.exists()


def test_the_documents_have_pages_of_their_own(client, db):
    assert "제1조 (목적)" in page_text(client.get("/accounts/terms/"))
    assert "보유 기간" in page_text(client.get("/accounts/privacy/"))
    PolicyDocument.objects.all().delete()
    assert client.get("/accounts/terms/").status_code == 404


# --- 마이메뉴 ------------------------------------------------------------------------------


@pytest.fixture
def joined(client, db):
    """A member who joined through the form; `client` is logged in as them."""
    client.post("/accounts/signup/", signup_data())
    return User.objects.get(username="newbie")


def test_my_menu_shows_what_was_agreed_and_the_marketing_choice(client, joined):
    text = page_text(client.get("/accounts/me/"))

    assert "이용약관 (제1판)" in text and "개인정보 수집·이용 동의 (제1판)" in text
    assert "동의하지 않음" in text


def test_changing_the_marketing_consent_is_recorded_with_its_time(client, joined):
    response = client.post("/accounts/me/marketing/", {"agreed": "on"}, follow=True)
    assert "마케팅 정보 수신에 동의했습니다." in page_text(response)
    client.post("/accounts/me/marketing/", {"agreed": "on"})  # the same again: no new row
    client.post("/accounts/me/marketing/", {})

    history = list(
        ConsentRecord.objects.filter(user=joined, kind=MARKETING).order_by("pk").values_list("agreed", flat=True)
    )
    assert history == [False, True, False]
    assert "동의하지 않음" in page_text(client.get("/accounts/me/"))


def test_the_marketing_consent_is_a_members_own_post_only(client, joined):
    client.logout()
    assert client.post("/accounts/me/marketing/", {"agreed": "on"}).status_code == 302  # to the login page
    assert client.get("/accounts/me/marketing/").status_code in (302, 405)
    assert not ConsentRecord.objects.filter(kind=MARKETING, agreed=True).exists()


def test_members_from_before_see_that_there_is_no_record(client, author):
    client.force_login(author)
    assert "동의 기록이 없습니다." in page_text(client.get("/accounts/me/"))


# --- Admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user("boss", nickname="최고관리자", is_staff=True, is_superuser=True))
    return client


def test_admin_adds_a_new_version_and_sign_up_shows_it(admin_client):
    response = admin_client.post(
        "/admin/accounts/policydocument/add/",
        {
            "kind": TERMS,
            "version": 2,
            "title": "이용약관",
            "body": "개정된 약관",
            "effective_at_0": "2020-01-01",
            "effective_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    assert "개정된 약관" in Client().get("/accounts/signup/").content.decode()


def test_a_version_members_agreed_to_is_read_only_and_kept(admin_client, joined):
    document = current(TERMS)
    url = f"/admin/accounts/policydocument/{document.pk}/change/"

    page = admin_client.get(url).content.decode()
    assert 'name="body"' not in page
    assert (
        admin_client.post(f"/admin/accounts/policydocument/{document.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert PolicyDocument.objects.filter(pk=document.pk).exists()


def test_consent_records_are_listed_but_never_written_in_admin(admin_client, joined):
    assert "새내기" in admin_client.get("/admin/accounts/consentrecord/").content.decode()
    assert admin_client.get("/admin/accounts/consentrecord/add/").status_code == 403
    record = ConsentRecord.objects.filter(user=joined).first()
    admin_client.post(f"/admin/accounts/consentrecord/{record.pk}/change/", {"agreed": "on"})
    assert ConsentRecord.objects.get(pk=record.pk).agreed == record.agreed


def test_every_page_links_the_terms_and_the_privacy_policy_in_its_footer(client, make_post):
    """A Korean site shows 이용약관 and 개인정보처리방침 at the foot of every page."""
    for url in ("/", "/b/ainews/", make_post().get_absolute_url(), "/accounts/login/"):
        footer = client.get(url).content.decode().split('<footer class="site-footer">', 1)[1]
        assert 'href="/accounts/terms/">이용약관</a>' in footer, url
        assert 'href="/accounts/privacy/"><strong>개인정보처리방침</strong></a>' in footer, url
        assert client.get("/accounts/privacy/").status_code == 200
