"""The agency directory: agencies, their aliases, the collective groups plans name, officers."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..reading.text import natural_key
from ..vocabulary import N_, Vocabulary
from .base import Model


class AgencyType(Vocabulary):
    """Agency types as plans name them (sở, ban, phòng, UBND huyện ...)."""

    UBND_TINH = "ubnd_tinh", N_("UBND tỉnh")
    UBND_HUYEN = "ubnd_huyen", N_("UBND huyện")
    UBND_XA = "ubnd_xa", N_("UBND xã")
    SO = "so", N_("Sở")
    BAN = "ban", N_("Ban")
    VAN_PHONG = "van_phong", N_("Văn phòng")
    PHONG = "phong", N_("Phòng")
    THANH_TRA = "thanh_tra", N_("Thanh tra")
    TRUNG_TAM = "trung_tam", N_("Trung tâm")
    CO_QUAN_NGANH_DOC = "co_quan_nganh_doc", N_("Cơ quan ngành dọc")
    BAO_DAI = "bao_dai", N_("Báo, đài")
    KHAC = "khac", N_("Khác")


class Level(Vocabulary):
    """Administrative levels, highest first (districts are gone since 1/7/2025, not from old plans)."""

    NATIONAL = "national", N_("Trung ương")
    PROVINCE = "province", N_("Tỉnh")
    DISTRICT = "district", N_("Huyện")
    COMMUNE = "commune", N_("Xã")


AGENCY_TYPES = AgencyType.codes()
LEVELS = Level.codes()


def directory_order(level: str, name: str) -> tuple:
    """How people expect a list of agencies: higher levels first, then names in natural
    order ("Phường 2" before "Phường 10")."""
    return (LEVELS.index(level) if level in LEVELS else len(LEVELS), natural_key(name))


agency_group_members = Table(
    "agency_group_members",
    db.metadata,
    Column("group_id", ForeignKey("agency_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
)


class Agency(Model):
    """A body that can own tasks: a department, an office, a People's Committee."""

    __tablename__ = "agencies"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: canonical full official name ("Sở Tư pháp tỉnh Sóc Trăng")
    name: Mapped[str] = mapped_column(String(300))
    #: diacritic-free lower-case form of the name, for matching
    name_folded: Mapped[str] = mapped_column(String(300), index=True)
    #: agency type (one of AGENCY_TYPES)
    type: Mapped[str] = mapped_column(String(40))
    #: administrative level (a Level): national, province, district or commune
    level: Mapped[str] = mapped_column(String(20))
    #: the People's Committee (or body) this agency answers to
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: first day the agency existed (None: unknown)
    valid_from: Mapped[date | None]
    #: last day the agency existed (None: still exists)
    valid_to: Mapped[date | None]
    #: the agency that took over its work after a merger or abolition
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: the head (Giám đốc, Trưởng phòng, Chủ tịch): first escalation level
    head_name: Mapped[str | None] = mapped_column(String(200))
    #: the head's title ("Giám đốc Sở Tư pháp")
    head_title: Mapped[str | None] = mapped_column(String(100))
    #: the head's e-mail, where warnings to the head go (for a committee's office: warnings to the committee)
    head_email: Mapped[str | None] = mapped_column(String(254))
    #: the head's phone number (kept in the directory; nothing is sent to it)
    head_phone: Mapped[str | None] = mapped_column(String(40))
    #: for a People's Committee: its office, which receives escalations
    office_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: for a People's Committee: the (vice-)chair in charge of the plans it issues
    leader_name: Mapped[str | None] = mapped_column(String(200))
    #: the leader in charge's title ("Phó Chủ tịch UBND tỉnh")
    leader_title: Mapped[str | None] = mapped_column(String(100))
    #: the leader in charge's e-mail, where warnings to the People's Committee go
    leader_email: Mapped[str | None] = mapped_column(String(254))

    parent: Mapped[Agency | None] = relationship(remote_side=[id], foreign_keys=[parent_id],
                                                 back_populates="children")
    children: Mapped[list[Agency]] = relationship(foreign_keys=[parent_id], back_populates="parent")
    # post_update: a committee's office is also its child, a cycle rows can only be
    # written in two steps.
    successor: Mapped[Agency | None] = relationship(remote_side=[id], foreign_keys=[successor_id],
                                                    post_update=True)
    office: Mapped[Agency | None] = relationship(remote_side=[id], foreign_keys=[office_id],
                                                 post_update=True)
    aliases: Mapped[list[AgencyAlias]] = relationship(back_populates="agency",
                                                      cascade="all, delete-orphan")
    officers: Mapped[list[FocalOfficer]] = relationship(back_populates="agency",
                                                        cascade="all, delete-orphan")
    groups: Mapped[list[AgencyGroup]] = relationship(secondary=agency_group_members,
                                                     back_populates="members")

    __table_args__ = (UniqueConstraint("name", "parent_id"),)

    def ancestors(self) -> list[Agency]:
        """Parent, grandparent, ... (guarded against cycles in bad data)."""
        seen: list[Agency] = []
        node = self.parent
        while node is not None and node not in seen:
            seen.append(node)
            node = node.parent
        return seen

    @property
    def merged_on(self) -> date | None:
        """The day its successor took its work over: the day after ``valid_to`` (None
        without a successor or an end date). Plans issued from then on that name it are
        offered the successor."""
        if self.successor_id is None or self.valid_to is None:
            return None
        return self.valid_to + timedelta(days=1)

    def __repr__(self) -> str:
        return f"<Agency {self.id} {self.name!r}>"


class AgencyAlias(Model):
    """Another name plans use for an agency: a short form, an abbreviation, an old name."""

    __tablename__ = "agency_aliases"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the agency the alias names; deleted with the agency (CASCADE)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    #: the alias as written ("Sở TT&TT")
    alias: Mapped[str] = mapped_column(String(300))
    #: folded form for matching
    alias_folded: Mapped[str] = mapped_column(String(300), index=True)

    agency: Mapped[Agency] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("agency_id", "alias_folded"),)


class AgencyGroup(Model):
    """A collective owner ("Các Sở, ban, ngành tỉnh") scoped to one People's Committee."""

    __tablename__ = "agency_groups"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: group kind: provincial_departments, district_committees, communes, district_offices
    key: Mapped[str] = mapped_column(String(40))
    #: the People's Committee whose members these are
    scope_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    #: how plans name the group
    name: Mapped[str] = mapped_column(String(300))

    scope: Mapped[Agency] = relationship()
    members: Mapped[list[Agency]] = relationship(secondary=agency_group_members,
                                                 back_populates="groups",
                                                 order_by="Agency.name")

    __table_args__ = (UniqueConstraint("key", "scope_id"),)


class FocalOfficer(Model):
    """A cán bộ đầu mối: the person in an agency who receives reminders and reports progress."""

    __tablename__ = "focal_officers"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the agency they act for (one row per agency a person serves); deleted with the agency (CASCADE)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    #: full name, for the greeting ("Kính gửi ...") and wherever their reports are shown
    name: Mapped[str] = mapped_column(String(200))
    #: may be missing: the officer is still listed, messages to them are recorded as undeliverable
    email: Mapped[str | None] = mapped_column(String(254))
    #: a contact number, shown in the directory (nothing is sent to it)
    phone: Mapped[str | None] = mapped_column(String(40))
    #: language of their emails: vi or en
    language: Mapped[str] = mapped_column(String(5), default="vi")
    #: inactive officers keep their history but receive nothing
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship(back_populates="officers")

    __table_args__ = (Index("ix_focal_officers_email", "email"),)
