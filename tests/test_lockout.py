"""Login lock-out (django-axes) through the real login form: per account, per address, lifted."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user
from django.utils import timezone

from tests.factories import CuratorFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passw0rd"


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, times, username="alice", address="10.0.0.1"):
    return [log_in(client, username, "wrong-password", address).status_code for _ in range(times)]


def test_wrong_passwords_below_the_limit_keep_the_form_and_the_right_one_still_works(
    client, alice, settings
):
    assert fail(client, settings.AXES_FAILURE_LIMIT - 1) == [200] * 4

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert get_user(client) == alice


def test_too_many_wrong_passwords_lock_the_account_even_with_the_right_password(
    client, alice, settings
):
    statuses = fail(client, settings.AXES_FAILURE_LIMIT)
    assert statuses[-1] == 429

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert not get_user(client).is_authenticated
    assert "Too many failed logins" in response.text
    assert "Try again in 15 minutes." in response.text
    assert 'href="/accounts/password_reset/"' in response.text
    assert "<header" in response.text  # the site's own page, not a bare error


def test_the_lock_is_per_account_from_any_address(client, alice, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "alice", "wrong-password", address=f"10.0.1.{number}")

    assert log_in(client, "alice", PASSWORD, address="10.9.9.9").status_code == 429


def test_the_lock_is_per_address_for_any_account(client, alice, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess{number}", "wrong-password", address="10.0.2.1")

    assert log_in(client, "alice", PASSWORD, address="10.0.2.1").status_code == 429
    assert log_in(client, "alice", PASSWORD, address="10.0.2.2").status_code == 302


def test_the_lock_out_page_speaks_chinese(client, alice, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, "alice", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.text
    assert "登录失败次数过多" in response.text


def test_the_admin_login_is_locked_too(client, settings):
    curator = CuratorFactory(username="carol")
    curator.set_password(PASSWORD)
    curator.save()
    fail(client, settings.AXES_FAILURE_LIMIT, username="carol")

    response = client.post(
        "/admin/login/", {"username": "carol", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )

    assert response.status_code == 429
    assert "Too many failed logins" in response.text


def test_a_curator_lifts_the_lock_in_the_admin(client, alice, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    curator_client = client_class = type(client)()
    curator_client.force_login(CuratorFactory())
    changelist = "/admin/axes/accessattempt/"
    assert "alice" in curator_client.get(changelist).text

    response = curator_client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client_class, "alice", PASSWORD).status_code == 302


def test_the_lock_lifts_by_itself_after_the_cool_off_time(client, alice, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "alice", PASSWORD).status_code == 429

    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert get_user(client) == alice


def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        # The proxy's own address is the same each time; a client's forged entry comes first.
        log_in(
            client,
            f"guess{number}",
            "wrong",
            "172.18.0.5",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{number}, 10.0.3.1",
        )

    locked = log_in(client, "alice", PASSWORD, "172.18.0.5", HTTP_X_FORWARDED_FOR="10.0.3.1")
    other = log_in(client, "alice", PASSWORD, "172.18.0.5", HTTP_X_FORWARDED_FOR="10.0.3.2")

    assert (locked.status_code, other.status_code) == (429, 302)


def test_rate_limits_count_by_the_same_address_as_the_lock_outs(settings, rf):
    from django_ratelimit.core import _get_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.3.1")

    assert _get_ip(request) == "10.0.3.1"
