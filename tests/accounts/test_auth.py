import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

User = get_user_model()


def signup_data(**overrides) -> dict:
    data = {
        "username": "lena",
        "email": "lena@example.com",
        "city": "Freiburg",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
    }
    data.update(overrides)
    return data


def test_signing_up_logs_you_in(client):
    response = client.post(reverse("signup"), signup_data(), follow=True)
    user = User.objects.get(username="lena")
    assert user.city == "Freiburg"
    assert response.context["user"] == user
    assert "Welcome to Bazaar, lena!" in response.text


def test_signing_up_returns_you_where_you_were(client):
    response = client.post(reverse("signup"), signup_data(next="/listings/new/"))
    assert response["Location"] == "/listings/new/"


def test_signup_ignores_a_next_url_off_the_site(client):
    response = client.post(reverse("signup"), signup_data(next="https://evil.example/"))
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "target", ["' OR 1=1 --", "my_listings", "//evil.example/", "/accounts/signup/"]
)
def test_signup_ignores_a_next_that_is_not_a_path(client, user, target):
    response = client.post(reverse("signup"), signup_data(next=target))
    assert response["Location"] == reverse("home")
    client.force_login(user)  # a logged-in visitor is sent on at once
    assert client.get(reverse("signup"), {"next": target})["Location"] == reverse("home")


def test_signup_keeps_the_city_without_bidi_or_control_characters(client):
    client.post(reverse("signup"), signup_data(city="\u202eFrei\x00burg\u202c"))
    assert User.objects.get(username="lena").city == "Freiburg"


def test_signup_shows_what_is_wrong(client):
    response = client.post(
        reverse("signup"), signup_data(email="not-an-email", password2="something-else")
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "The two password fields didn\u2019t match." in response.text
    assert not User.objects.exists()


def test_logging_in_and_out(client, user):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "correct-horse-battery", "next": "/me/listings/"},
    )
    assert response["Location"] == "/me/listings/"
    home = client.get(reverse("home"))
    assert home.context["user"] == user
    assert f'action="{reverse("logout")}"' in home.text

    assert client.get(reverse("logout")).status_code == 405  # logging out takes a POST
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.parametrize("target", ["' OR 1=1 --", "//evil.example/", "🙂"])
def test_logging_in_and_out_ignore_a_next_that_is_not_a_path(client, user, target):
    credentials = {"username": user.username, "password": "correct-horse-battery"}
    response = client.post(reverse("login"), {**credentials, "next": target})
    assert response["Location"] == reverse("home")
    response = client.post(reverse("logout"), {"next": target})
    assert response["Location"] == reverse("home")


def test_the_login_page_sends_a_logged_in_visitor_home_whatever_next_says(client, user):
    """Django raises on a logged-in visit whose next is the login page itself (a 500)."""
    client.force_login(user)
    response = client.get(reverse("login"), {"next": reverse("login")})
    assert response["Location"] == reverse("home")


def test_a_wrong_password_is_refused(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.text


def test_the_top_bar_offers_log_in_and_sign_up_to_visitors(client):
    html = client.get(reverse("home")).text
    assert reverse("login") in html
    assert reverse("signup") in html
