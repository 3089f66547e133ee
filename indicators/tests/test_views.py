"""Pages for signed-in users: the year's frameworks and the criteria table of one framework."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Framework

pytestmark = pytest.mark.django_db


def test_pages_require_login(client, fy2566):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_thai_and_refuses_a_wrong_password_in_thai(client, staff_user):
    page = client.get(reverse("login")).content.decode()
    assert "เข้าสู่ระบบ" in page and 'lang="th"' in page
    response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    assert response.status_code == 200
    assert "กรุณาใส่" in response.content.decode() or "ไม่ถูกต้อง" in response.content.decode()


def test_home_lists_the_fy2566_frameworks_with_buddhist_era_dates(client, staff_user, fy2566):
    client.force_login(staff_user)
    html = client.get(reverse("home")).content.decode()
    assert "กรอบตัวชี้วัด ประจำปีงบประมาณ พ.ศ. 2566" in html
    assert "1 ตุลาคม 2565 – 30 กันยายน 2566" in html
    assert "กรอบตัวชี้วัดกองคุ้มครองสวัสดิภาพและเสริมสร้างคุณภาพชีวิต" in html


def test_framework_page_prints_the_criteria_of_both_rounds(client, staff_user, kks_framework):
    client.force_login(staff_user)
    html = client.get(reverse("framework-detail", args=[kks_framework.pk])).content.decode()
    assert "การประเมินประสิทธิผลการดำเนินงาน (Performance Base)" in html
    assert "ร้อยละ 93.50 – 95.49" in html                           # budget, round 2, level 2
    assert "สูงกว่า ร้อยละ 30.00" in html                            # dissatisfaction level 1
    assert "กองและเทียบเท่ากำหนดตัวชี้วัดและเกณฑ์เอง" in html       # the CORE placeholder row


def test_framework_page_costs_a_fixed_number_of_queries(client, staff_user, fy2566, django_assert_max_num_queries):
    """Selectors prefetch everything: the biggest and the smallest framework cost the same (STYLE.md practice 4)."""
    client.force_login(staff_user)
    for number in (6, 9):
        framework = Framework.objects.get(fiscal_year=fy2566, level="division", number=number)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("framework-detail", args=[framework.pk])).status_code == 200


def test_unknown_framework_is_a_404(client, staff_user, fy2566):
    client.force_login(staff_user)
    assert client.get(reverse("framework-detail", args=[999999])).status_code == 404


def test_thai_is_the_default_even_for_english_browsers_and_english_is_one_click_away(client):
    """LANGUAGE_CODE th wins over Accept-Language; the language switch sets a cookie for English."""
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "th"
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert client.get(reverse("login"))["Content-Language"] == "en"
