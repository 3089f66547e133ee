"""Stored PDF renderings (reporting/pdf/store.py): an unchanged scorecard is read back, a changed one never is."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from indicators import numbers
from indicators.models import OrgUnit, Person, Result, Round
from reporting import services
from reporting.documents import scorecard as scorecard_doc
from reporting.pdf import store
from reporting.tests.factories import person_user


@pytest.fixture
def document_store(settings: Any, tmp_path: Path) -> Path:
    settings.DOCUMENT_CACHE_DIR = tmp_path / "document-cache"
    settings.DOCUMENT_CACHE_MAX_FILES = 100
    return Path(settings.DOCUMENT_CACHE_DIR)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the WeasyPrint renderings of scorecards (the real one still runs)."""
    calls: list[int] = []
    real = scorecard_doc.to_pdf

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scorecard_doc, "to_pdf", counted)
    return calls


def _download(client: Any, unit: OrgUnit) -> bytes:
    response = client.get("/reports/scorecard/", {"year": 2566, "round": 1, "unit": unit.code, "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return bytes(response.content)


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_an_unchanged_scorecard_is_rendered_once_and_stored_privately(
    client: Any, django_user_model: Any, kks: OrgUnit, document_store: Path, renders: list[int]
) -> None:
    services.score_jobs_drain()
    client.force_login(person_user(django_user_model, "store-director", Person.Role.DIRECTOR))
    first = _download(client, kks)
    second = _download(client, kks)
    assert len(renders) == 1
    assert first == second
    files = list(document_store.glob("*/*.pdf"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600


def test_a_changed_result_gives_a_new_document_with_the_new_value(
    client: Any, django_user_model: Any, kks: OrgUnit, round1: Round, document_store: Path, renders: list[int]
) -> None:
    services.score_jobs_drain()
    client.force_login(person_user(django_user_model, "store-director-2", Person.Role.DIRECTOR))
    before = _download(client, kks)
    result = Result.objects.filter(org_unit=kks, round=round1, value__isnull=False, numerator__isnull=True).first()
    assert result is not None
    result.value = Decimal("12.34") if result.value != Decimal("12.34") else Decimal("43.21")
    result.save()
    changed_before_recompute = _download(client, kks)  # not fresh any more: a draft, rendered anew
    services.score_jobs_drain()
    after = _download(client, kks)
    assert len(renders) == 3
    assert len({before, changed_before_recompute, after}) == 3
    assert numbers.number(result.value) in _text(after)
    assert numbers.number(result.value) not in _text(before)
    assert len(list(document_store.glob("*/*.pdf"))) == 3


def test_the_key_follows_every_printed_value_and_the_renderer(
    kks: OrgUnit, round1: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.score_jobs_drain()
    doc = scorecard_doc.build(org_unit=kks, round=round1)
    key = store.document_key("scorecard", (doc, False))
    assert store.document_key("scorecard", (doc, False)) == key
    assert store.document_key("scorecard", (doc, True)) != key  # Thai digits
    group = doc.groups[0]
    row = dataclasses.replace(group.rows[0], result_text=group.rows[0].result_text + "1")
    edited = dataclasses.replace(doc, groups=(dataclasses.replace(group, rows=(row, *group.rows[1:])), *doc.groups[1:]))
    assert store.document_key("scorecard", (edited, False)) != key
    assert store.document_key("scorecard", (dataclasses.replace(doc, draft_reasons=("x",)), False)) != key
    monkeypatch.setattr(store, "renderer_version", lambda: "another template")
    assert store.document_key("scorecard", (doc, False)) != key


def test_content_without_a_readable_repr_is_refused() -> None:
    with pytest.raises(ValueError, match="plain values"):
        store.document_key("scorecard", object())


def test_the_store_can_be_turned_off(settings: Any, tmp_path: Path) -> None:
    settings.DOCUMENT_CACHE_DIR = tmp_path
    settings.DOCUMENT_CACHE_MAX_FILES = 0
    calls: list[int] = []

    def render() -> bytes:
        calls.append(1)
        return b"%PDF-1.7 test"

    assert store.stored_pdf("a" * 64, render) == b"%PDF-1.7 test"
    assert store.stored_pdf("a" * 64, render) == b"%PDF-1.7 test"
    assert len(calls) == 2 and not any(tmp_path.iterdir())


def test_the_oldest_renderings_are_removed_beyond_the_limit(tmp_path: Path) -> None:
    for n in range(5):
        path = tmp_path / f"{n:02d}" / f"{n:02d}{'0' * 62}.pdf"
        path.parent.mkdir()
        path.write_bytes(b"%PDF")
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    store._prune(tmp_path, 2)
    assert sorted(p.parent.name for p in tmp_path.glob("*/*.pdf")) == ["03", "04"]
