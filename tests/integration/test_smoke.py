import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_needs_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
