"""Create the first administrator of a production installation (run by scripts/serve.sh; safe to run again).

    DSDW_ADMIN_USERNAME=… DSDW_ADMIN_EMAIL=… DSDW_ADMIN_PASSWORD=… .venv/bin/python deploy/create_admin.py

When a superuser exists already nothing is created. Otherwise the account is read from the environment or, on a
terminal, asked for; the password must pass Django's password validators (AUTH_PASSWORD_VALIDATORS). It also warns
when a demo account with its published password is present (the demo data never belongs in production).
Exit status: 0 created or present, 1 refused or missing input.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsdw_kpi.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.password_validation import validate_password  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.validators import validate_email  # noqa: E402
from django.db import transaction  # noqa: E402

from indicators.demo_data import DEMO_USERS  # noqa: E402

User = get_user_model()


def say(message: str) -> None:
    print(f"    {message}", flush=True)


def warn_about_demo_accounts() -> None:
    """Loudly name every demo account that still has the password printed in the README."""
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is not None and user.check_password(demo.password):
            say(f"WARNING: the demo account '{demo.username}' exists with its published password; "
                "remove the demo data: python manage.py remove_demo_data")


def _problems(username: str, email: str, password: str) -> list[str]:
    problems: list[str] = []
    if not username or User.objects.filter(username=username).exists():
        problems.append(f"username '{username}' is empty or taken")
    try:
        validate_email(email)
    except ValidationError:
        problems.append(f"e-mail '{email}' is not an e-mail address")
    try:
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as error:
        problems.extend(str(message) for message in error.messages)
    return problems


def _ask() -> tuple[str, str, str]:
    username = input("    admin username: ").strip()
    email = input("    admin e-mail: ").strip()
    while True:
        password = getpass.getpass("    admin password: ")
        if password == getpass.getpass("    admin password (again): "):
            return username, email, password
        say("the two passwords differ; try again")


def main() -> int:
    warn_about_demo_accounts()
    existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if existing is not None:
        say(f"an administrator exists already ({existing.username}); none created")
        return 0
    username = os.environ.get("DSDW_ADMIN_USERNAME", "").strip()
    email = os.environ.get("DSDW_ADMIN_EMAIL", "").strip()
    password = os.environ.get("DSDW_ADMIN_PASSWORD", "")
    interactive = not (username and email and password)
    if interactive and not sys.stdin.isatty():
        say("ERROR: no administrator yet: set DSDW_ADMIN_USERNAME, DSDW_ADMIN_EMAIL and DSDW_ADMIN_PASSWORD, "
            "or run scripts/serve.sh on a terminal to be asked")
        return 1
    while True:
        if interactive:
            username, email, password = _ask()
        problems = _problems(username, email, password)
        if not problems:
            break
        for problem in problems:
            say(f"refused: {problem}")
        if not interactive:
            return 1
    with transaction.atomic():
        User.objects.create_superuser(username=username, email=email, password=password)
    say(f"administrator '{username}' created; sign in at /accounts/login/ (the Django admin is /admin/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
