"""Shared pieces of the sign-in tests (test_auth_*.py): a fast, counting password hasher and a signed-up user."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

PASSWORD = "correct-horse-2566"


class CountingHasher(MD5PasswordHasher):
    """MD5 for speed, counting every hash computed (checks and the dummy hash for an unknown username alike)."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture
def fast_hasher(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = ["indicators.tests.auth_helpers.CountingHasher"]
    CountingHasher.computed = 0
    return CountingHasher


@pytest.fixture
def member(fast_hasher: type[CountingHasher], django_user_model: Any) -> Any:
    """A staff member (Person) with an e-mail address and the password PASSWORD."""
    from indicators.models import Person

    user = django_user_model.objects.create_user("somchai", email="somchai@example.go.th", password=PASSWORD)
    Person.objects.create(user=user, full_name="สมชาย ใจดี", role=Person.Role.STAFF)
    return user


def login_post(
    client: Any, username: str, password: str, *, address: str = "127.0.0.1", path: str = "/accounts/login/"
) -> Any:
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)
