"""Deliveries checked in (验收) and suppliers' certificates (索证索票)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.models import Person, Site
from storage.samples_models import Delivery, DeliveryItem, Supplier, SupplierCertificate

SUPPLIER_NAME_LENGTH = 40
# Units a quantity may be typed with; the first are the usual ones in a kitchen.
UNITS = ("kg", "g", "斤", "公斤", "克", "箱", "袋", "个", "盒", "瓶", "桶", "只", "份", "l", "升")


@dataclass(frozen=True)
class NewItem:
    name: str
    quantity: Decimal
    unit: str
    chilled: bool
    temperature_c: Decimal | None
    accepted: bool
    reject_reason: str | None


def list_suppliers(*, session: Session, site_id: int) -> list[Supplier]:
    query = select(Supplier).where(Supplier.site_id == site_id).order_by(col(Supplier.name))
    return list(session.exec(query))


def get_supplier(*, session: Session, supplier_id: int) -> Supplier | None:
    return session.get(Supplier, supplier_id)


def get_or_create_supplier(*, session: Session, site_id: int, name: str) -> Supplier:
    """Suppliers are remembered: the next delivery offers them as buttons."""
    query = select(Supplier).where(Supplier.site_id == site_id, Supplier.name == name)
    supplier = session.exec(query).first()
    if supplier is None:
        supplier = Supplier(site_id=site_id, name=name)
        session.add(supplier)
        session.flush()
    return supplier


def add_certificate(
    *, session: Session, supplier: Supplier, name: str, expires_on: date
) -> SupplierCertificate:
    assert supplier.id is not None
    certificate = SupplierCertificate(
        supplier_id=supplier.id, site_id=supplier.site_id, name=name, expires_on=expires_on
    )
    session.add(certificate)
    session.flush()
    return certificate


def create_delivery(
    *,
    session: Session,
    site_id: int,
    supplier_id: int,
    person_id: int,
    items: list[NewItem],
    photo_file_id: str | None,
    now: datetime,
) -> Delivery:
    delivery = Delivery(
        site_id=site_id,
        supplier_id=supplier_id,
        received_by_id=person_id,
        received_at=now,
        photo_file_id=photo_file_id,
    )
    session.add(delivery)
    session.flush()
    assert delivery.id is not None
    for item in items:
        session.add(DeliveryItem(delivery_id=delivery.id, **item.__dict__))
    rejected = sum(not i.accepted for i in items)
    record_event(
        session=session,
        action="deliveries.check",
        site_id=site_id,
        person_id=person_id,
        delivery_id=delivery.id,
        items=len(items),
        rejected=rejected,
    )
    session.commit()
    return delivery


def delivery_items(*, session: Session, delivery_id: int) -> list[DeliveryItem]:
    query = select(DeliveryItem).where(DeliveryItem.delivery_id == delivery_id)
    return list(session.exec(query.order_by(col(DeliveryItem.id))))


def expiring_certificates(
    *, session: Session, site_id: int, today: date, days: int
) -> list[tuple[SupplierCertificate, Supplier]]:
    """Certificates that expire within `days` (or have expired), with their supplier."""
    query = (
        select(SupplierCertificate, Supplier)
        .join(Supplier, col(Supplier.id) == col(SupplierCertificate.supplier_id))
        .where(
            SupplierCertificate.site_id == site_id,
            col(SupplierCertificate.expires_on) <= today + timedelta(days=days),
        )
        .order_by(col(SupplierCertificate.expires_on))
    )
    return [(c, s) for c, s in session.exec(query)]


@dataclass(frozen=True)
class DeliveryLedgerRow:
    received_at: datetime
    supplier: str
    received_by: str
    item: str
    quantity: Decimal
    unit: str
    chilled: bool
    temperature_c: Decimal | None
    accepted: bool
    reject_reason: str | None
    photo: bool


def _bounds(site: Site, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(site.timezone)
    return datetime.combine(start, time(0), zone), datetime.combine(
        end + timedelta(days=1), time(0), zone
    )


def delivery_ledger(
    *, session: Session, site: Site, start: date, end: date, rejected_only: bool = False
) -> list[DeliveryLedgerRow]:
    """Every delivered item of the days start..end (inclusive, site time), in order."""
    low, high = _bounds(site, start, end)
    query = (
        select(Delivery, DeliveryItem, Supplier.name, Person.display_name)
        .join(DeliveryItem, col(DeliveryItem.delivery_id) == col(Delivery.id))
        .join(Supplier, col(Supplier.id) == col(Delivery.supplier_id))
        .join(Person, col(Person.id) == col(Delivery.received_by_id))
        .where(
            Delivery.site_id == site.id,
            col(Delivery.received_at) >= low,
            col(Delivery.received_at) < high,
        )
        .order_by(col(Delivery.received_at), col(DeliveryItem.id))
    )
    if rejected_only:
        query = query.where(col(DeliveryItem.accepted).is_(False))
    return [
        DeliveryLedgerRow(
            d.received_at,
            supplier,
            person,
            i.name,
            i.quantity,
            i.unit,
            i.chilled,
            i.temperature_c,
            i.accepted,
            i.reject_reason,
            d.photo_file_id is not None,
        )
        for d, i, supplier, person in session.exec(query)
    ]


def rejected_deliveries(
    *, session: Session, site: Site, start: date, end: date
) -> list[DeliveryLedgerRow]:
    """The rejected items of the days start..end, with supplier and reason."""
    return delivery_ledger(session=session, site=site, start=start, end=end, rejected_only=True)
