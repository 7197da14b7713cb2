"""Tables of the kitchen: food samples (留样) and their dishes, deliveries (验收), suppliers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class SampleState(StrEnum):
    KEPT = "kept"  # in the fridge, disposal not yet due or not yet done
    HELD = "held"  # kept past its time for an incident, until released
    DISPOSED = "disposed"


class SampleLog(SQLModel, table=True):
    """The samples of one meal of one day: who took them, the fridge, the photo, the end."""

    __tablename__ = "sample_log"
    __table_args__ = (UniqueConstraint("site_id", "day", "meal"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    day: date = Field(index=True)
    meal: str = Field(max_length=30)
    meal_end_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    taken_by_id: int = Field(foreign_key="person.id")
    taken_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    fridge_temp_c: Decimal = Field(sa_column=Column(Numeric(4, 1), nullable=False))
    photo_file_id: str | None = Field(default=None, max_length=200)
    checked_by_id: int | None = Field(default=None, foreign_key="person.id")
    checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dispose_due_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    state: str = Field(default=SampleState.KEPT, max_length=12, index=True)
    disposed_by_id: int | None = Field(default=None, foreign_key="person.id")
    disposed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    witness_id: int | None = Field(default=None, foreign_key="person.id")
    witnessed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hold_reason: str | None = Field(default=None, max_length=500)
    held_by_id: int | None = Field(default=None, foreign_key="person.id")
    held_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    released_by_id: int | None = Field(default=None, foreign_key="person.id")
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SampleDish(SQLModel, table=True):
    """One dish's sample in a meal's log, with its weight."""

    __tablename__ = "sample_dish"
    __table_args__ = (UniqueConstraint("log_id", "dish"),)

    id: int | None = Field(default=None, primary_key=True)
    log_id: int = Field(foreign_key="sample_log.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    dish: str = Field(max_length=60)
    grams: int


class Supplier(SQLModel, table=True):
    """A supplier a site buys from, remembered for the next delivery."""

    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class SupplierCertificate(SQLModel, table=True):
    """A supplier's licence or certificate (索证) and when it expires."""

    __tablename__ = "supplier_certificate"

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    expires_on: date = Field(index=True)
    photo_file_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Delivery(SQLModel, table=True):
    """One delivery checked in (验收): who, when, from whom, the note's photo."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id")
    received_by_id: int = Field(foreign_key="person.id")
    received_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    photo_file_id: str | None = Field(default=None, max_length=200)


class DeliveryItem(SQLModel, table=True):
    """One line of a delivery: quantity, cold-chain temperature, accepted or rejected."""

    __tablename__ = "delivery_item"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    name: str = Field(max_length=60)
    quantity: Decimal = Field(sa_column=Column(Numeric(10, 2), nullable=False))
    unit: str = Field(default="", max_length=10)
    chilled: bool = False
    temperature_c: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 1)))
    accepted: bool = True
    reject_reason: str | None = Field(default=None, max_length=500)
