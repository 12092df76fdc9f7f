"""Errors a person can act on: one message in Vietnamese and one in English.

Domain modules raise subclasses; the CLI prints both messages and the web shows the one in
the interface language (``tracker.web.i18n.localized``).
"""

from __future__ import annotations


class UserError(ValueError):
    def __init__(self, message_vi: str, message_en: str):
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi, self.message_en = message_vi, message_en
