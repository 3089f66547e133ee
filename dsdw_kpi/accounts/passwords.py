"""Django's password validators with Thai messages (Django 5.2's Thai catalogue leaves these untranslated)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _

# The department's rule (issue 9): at least 12 characters.
MIN_LENGTH = 12


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def __init__(self, min_length: int = MIN_LENGTH) -> None:
        super().__init__(min_length=min_length)

    def get_error_message(self) -> str:
        return _("รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย %(min_length)d ตัวอักษร") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("รหัสผ่านต้องมีอย่างน้อย %(min_length)d ตัวอักษร") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("รหัสผ่านคล้ายกับ%(verbose_name)sมากเกินไป")

    def get_help_text(self) -> str:
        return _("รหัสผ่านต้องไม่คล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลของท่าน")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันทั่วไป เดาได้ง่าย")

    def get_help_text(self) -> str:
        return _("รหัสผ่านต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("รหัสผ่านเป็นตัวเลขทั้งหมด")

    def get_help_text(self) -> str:
        return _("รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด")
