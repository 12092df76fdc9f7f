"""Closed vocabularies: each code the database stores, defined once with its label.

A vocabulary is a ``Vocabulary`` (a ``StrEnum``): a member *is* its code, so it compares
equal to the stored string and is stored as that string. Its Vietnamese label is written
beside the code and marked with ``N_`` so ``make translations`` puts it in the catalogue;
pages translate it where they show it (``_(member.label)``), while e-mails and the command
line, which are Vietnamese first, use it as written.
"""

from __future__ import annotations

from enum import StrEnum


def N_(text: str) -> str:
    """Mark a label for the translation catalogue where it is defined; it is translated
    where it is shown."""
    return text


class Vocabulary(StrEnum):
    """Members are declared as ``CODE = "code", N_("Nhãn")``."""

    label: str

    def __new__(cls, code: str, label: str = "") -> Vocabulary:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """Every code, in the order declared (choices, CHECK constraints, validation)."""
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Code → Vietnamese label."""
        return {member.value: member.label for member in cls}


class Urgency(Vocabulary):
    """How urgent a task is, as the directive marks it (the "độ khẩn" of an official document):
    urgent ones get a tighter reminder policy (tracker.reminders.rules.tightened)."""

    NORMAL = "normal", N_("Thường")
    URGENT = "urgent", N_("Khẩn")
    VERY_URGENT = "very_urgent", N_("Thượng khẩn")
    FLASH = "flash", N_("Hỏa tốc")


URGENCIES = Urgency.codes()
