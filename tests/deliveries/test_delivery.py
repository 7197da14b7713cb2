"""📦 验收: a delivery with a rejected item is stored with its photo; certificates warned once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from storage.samples_models import Delivery, DeliveryItem, Supplier, SupplierCertificate
from tests.samples.setup import CAREGIVER, COOK, LOGISTICS_LEAD, last_with_buttons, make_kitchen
from tests.support.telegram import Telegram, texts, to


async def test_a_delivery_with_a_rejected_item_is_stored_with_its_photo(
    telegram: Telegram, db: Session
) -> None:
    make_kitchen(db)
    telegram.set_local_time("2026-11-23 07:10")

    asked = await telegram.send(COOK, "📦 验收")
    calls = await telegram.send(COOK, "绿源蔬菜配送")
    bad_date = texts(await telegram.send(COOK, "明年"))
    calls = await telegram.send(COOK, "2026-12-10")
    bad_item = texts(await telegram.send(COOK, "猪肉"))
    calls = await telegram.send(COOK, "猪肉 20 kg")
    calls = await telegram.press(COOK, last_with_buttons(calls), "冷藏")
    hot = texts(await telegram.send(COOK, "80"))
    calls = await telegram.send(COOK, "12")
    calls = await telegram.press(COOK, last_with_buttons(calls), "拒收")
    calls = await telegram.send(COOK, "到货温度 12 °C，超过冷藏要求")
    calls = await telegram.press(COOK, last_with_buttons(calls), "下一项")
    calls = await telegram.send(COOK, "大米 25kg")
    calls = await telegram.press(COOK, last_with_buttons(calls), "常温")
    calls = await telegram.press(COOK, last_with_buttons(calls), "合格")
    calls = await telegram.press(COOK, last_with_buttons(calls), "完成")
    not_photo = texts(await telegram.send(COOK, "好了"))
    done = texts(await telegram.send_photo(COOK))

    assert texts(asked) == ["📦 哪个供应商送货？请输入供应商名称。"]
    assert bad_date == ["请输入日期，如 2027-06-30，或点「跳过」。"]
    assert bad_item == ["请输入品名，再输入数量（不超过 100000）和单位，如：大米 25 kg。"]
    assert hot == ["请输入 -30 到 30 °C 之间的温度，如 -18。"]
    assert not_photo == ["📷 请发送送货单和证照的照片。"]
    assert done[0].splitlines() == [
        "✅ 已记录 绿源蔬菜配送 的验收（2 项，拒收 1 项）。",
        "• 猪肉 20 kg · 12.0 °C · 拒收：到货温度 12 °C，超过冷藏要求",
        "• 大米 25 kg · 合格",
    ]
    [delivery] = db.exec(select(Delivery)).all()
    items = db.exec(select(DeliveryItem).order_by(DeliveryItem.id)).all()  # type: ignore[arg-type]
    assert delivery.photo_file_id and delivery.photo_file_id.startswith("user-photo-")
    assert [(i.name, i.quantity, i.unit, i.chilled, i.accepted) for i in items] == [
        ("猪肉", Decimal("20"), "kg", True, False),
        ("大米", Decimal("25"), "kg", False, True),
    ]
    assert items[0].temperature_c == Decimal("12.0")
    assert items[0].reject_reason == "到货温度 12 °C，超过冷藏要求"
    [certificate] = db.exec(select(SupplierCertificate)).all()
    assert certificate.expires_on == date(2026, 12, 10)

    again = await telegram.send(COOK, "📦 验收")
    assert "绿源蔬菜配送" in [label for label, _ in last_with_buttons(again).buttons()]
    assert len(db.exec(select(Supplier)).all()) == 1


async def test_a_certificate_expiring_within_30_days_is_told_to_the_logistics_lead_once(
    telegram: Telegram, db: Session
) -> None:
    kitchen = make_kitchen(db)
    supplier = Supplier(site_id=kitchen.site.id or 0, name="绿源蔬菜配送")
    db.add(supplier)
    db.flush()
    for name, expires in (("食品经营许可证", date(2026, 12, 20)), ("营业执照", date(2027, 6, 1))):
        db.add(
            SupplierCertificate(
                supplier_id=supplier.id or 0,
                site_id=supplier.site_id,
                name=name,
                expires_on=expires,
            )
        )
    db.commit()
    site = kitchen.site.id

    telegram.set_local_time("2026-11-23 08:00")
    telegram.schedule()
    telegram.set_local_time("2026-11-23 09:00")
    first = await telegram.run_job(f"deliveries-certificates:{site}:2026-11-23")
    telegram.set_local_time("2026-11-24 09:00")
    second = await telegram.run_job(f"deliveries-certificates:{site}:2026-11-24")

    assert texts(to(first, LOGISTICS_LEAD.id)) == [
        "📄 绿源蔬菜配送：食品经营许可证 将于 12月20日（周日） 到期，请索取新证。"
    ]
    assert to(second, LOGISTICS_LEAD.id) == []


async def test_a_caregiver_cannot_check_deliveries(telegram: Telegram, db: Session) -> None:
    make_kitchen(db)
    refused = texts(await telegram.send(CAREGIVER, "/delivery"))
    assert refused == ["只有后勤组长 / 厨房人员可以进行此操作。"]
