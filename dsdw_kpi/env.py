"""Typed readers for settings from the environment that fail loudly on bad values."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, schemes: tuple[str, ...]) -> str:
    """Return the URL in `name` or "" when unset; refuse a URL with another scheme."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(f"{name} must start with one of {', '.join(s + '://' for s in schemes)}; got {raw!r}")
    return raw


#: Words that mark a SECRET_KEY copied from an example or a test instead of generated.
SECRET_KEY_PLACEHOLDERS = ("change-me", "changeme", "change_me", "insecure", "example", "placeholder", "do-not-use")
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10
SECRET_KEY_HINT = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"


def secret_key_weakness(value: str) -> str | None:
    """Why `value` is not fit to sign production sessions, or None when it is."""
    lowered = value.lower()
    for marker in SECRET_KEY_PLACEHOLDERS:
        if marker in lowered:
            return f"it contains the placeholder text {marker!r} (copied from an example or a test?)"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(value)} characters; at least {SECRET_KEY_MIN_LENGTH} are needed"
    if len(set(value)) < SECRET_KEY_MIN_DISTINCT:
        return f"it uses only {len(set(value))} different characters; at least {SECRET_KEY_MIN_DISTINCT} are needed"
    return None


def env_secret_key(name: str, *, debug: bool, dev_default: str) -> str:
    """The secret key; refused when DEBUG is off and it is missing, short, repetitive or a placeholder."""
    value = os.environ.get(name, "")
    if debug:
        return value or dev_default
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see .env.production.example); {SECRET_KEY_HINT}")
    weakness = secret_key_weakness(value)
    if weakness:
        raise ImproperlyConfigured(f"{name} is refused when DEBUG is off: {weakness}; {SECRET_KEY_HINT}")
    return value


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """A header/value pair such as "HTTP_X_FORWARDED_PROTO,https", or None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _, value = (part.strip() for part in raw.partition(","))
    if not header.startswith("HTTP_") or not value:
        raise ImproperlyConfigured(f"{name}={raw!r} must look like 'HTTP_X_FORWARDED_PROTO,https'")
    return header, value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}")
    return value
