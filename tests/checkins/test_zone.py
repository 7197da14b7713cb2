"""责任区自查: one tap when all is well; a hazard with its photo; reminders; stand-ins; /zone."""

from __future__ import annotations

from sqlmodel import Session

from storage.zones import list_zones
from tests.checkins.setup import (
    COOK,
    GUARD,
    LOGISTICS_LEAD,
    answers,
    board,
    make_kindergarten,
    person_of,
    private,
    tap,
)
from tests.repairs.setup import photos, tickets
from tests.support.telegram import Telegram, to
from tests.support.telegram import answers as toasts


async def test_a_zone_self_check_with_no_hazard_is_one_tap_and_shows_on_the_card(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 06:00")
    telegram.schedule()
    telegram.set_local_time("2026-11-26 07:30")

    asked = await telegram.run_job(f"checkin-open:{k.site.id}:start")
    question = to(asked, GUARD.id)[0]
    assert question.text == "✅ 责任区自查（早） · 大门 · 11月26日（周四）"
    assert [label for label, _ in question.buttons()] == ["✅ 无隐患", "⚠️ 发现隐患"]
    assert to(asked, COOK.id)[0].text.startswith("✅ 责任区自查（早） · 厨房")

    done = await telegram.press(GUARD, question, "无隐患")
    await telegram.settle()

    assert done[-1].text == "✅ 大门：无隐患，已记录。"
    [answer] = answers(db, "zone")
    assert (answer.window, answer.data, answer.zone_id) == (
        "start",
        {"ok": True},
        k.zones["大门"].id,
    )
    card = board(telegram, "✅ 责任区自查")
    assert "大门（钱大爷）：早 ✅ · 晚 ⬜" in card and "厨房（马师傅）：早 ⬜ · 晚 ⬜" in card


async def test_a_hazard_is_described_and_photographed(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 07:40")
    [question] = [c for c in await telegram.send(COOK, "✅ 责任区自查") if c.buttons()]

    described = await telegram.press(COOK, question, "发现隐患")
    assert described[-1].text == "⚠️ 请描述隐患（什么问题、在哪里）："
    assert (await telegram.send(COOK, "1"))[-1].text == "请用文字描述隐患。"
    photo_asked = await telegram.send(COOK, "燃气灶右侧软管老化开裂")
    assert photo_asked[-1].text == "📷 请发一张隐患照片（或点「没有照片」）："
    done = await telegram.send_photo(COOK)

    assert done[-1].text == "⚠️ 厨房：隐患已记录 · 隐患单 #2026-0001。"
    [answer] = answers(db, "zone")
    assert answer.data["ok"] is False
    assert answer.data["hazard"] == "燃气灶右侧软管老化开裂"
    assert str(answer.data["photo"]).startswith("user-photo-")
    assert answer.person_id == person_of(db, COOK).id and answer.zone_id == k.zones["厨房"].id
    # The hazard ticket of the repairs flow, linked, with the zone, the reporter and the photo.
    [ticket] = tickets(db)
    assert answer.data["ticket_id"] == ticket.id
    assert (ticket.kind, ticket.code, ticket.zone_id) == ("hazard", "#2026-0001", answer.zone_id)
    assert (ticket.reporter_id, ticket.location) == (answer.person_id, "厨房")
    assert ticket.description == "燃气灶右侧软管老化开裂"
    assert [p.file_id for p in photos(db, ticket)] == [answer.data["photo"]]
    # No maintenance group here: the logistics lead gets it privately.
    [post] = to(telegram.request.calls, LOGISTICS_LEAD.id)
    assert "燃气灶右侧软管老化开裂" in post.text


async def test_zone_reminders_go_to_who_has_not_answered_and_the_list_to_the_logistics_lead(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 06:00")
    telegram.schedule()
    telegram.set_local_time("2026-11-26 07:35")
    question = to(await telegram.run_job(f"checkin-open:{k.site.id}:start"), GUARD.id)[0]
    await telegram.press(GUARD, question, "无隐患")

    telegram.set_local_time("2026-11-26 08:30")
    reminded = private(await telegram.run_job(f"checkin-due:{k.site.id}:start"))
    telegram.set_local_time("2026-11-26 09:00")
    escalated = private(await telegram.run_job(f"checkin-escalate:{k.site.id}:start"))

    assert set(reminded) == {COOK.id}
    assert reminded[COOK.id] == "⏰ 责任区自查（早）应在 08:30 前完成：厨房。"
    assert set(escalated) == {LOGISTICS_LEAD.id}
    assert "责任区自查（早）仍未完成" in escalated[LOGISTICS_LEAD.id]
    assert (
        "• 厨房（马师傅）" in escalated[LOGISTICS_LEAD.id]
        and "大门" not in escalated[LOGISTICS_LEAD.id]
    )


async def test_a_zone_goes_to_the_stand_in_while_its_person_is_on_leave(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-25 17:00")
    telegram.schedule()
    recorded = await telegram.send(GUARD, "/leave 11月26日 事假")
    assert "请假期间谁来自查大门？" in recorded[-1].text
    await tap(telegram, GUARD, recorded, "马师傅")

    telegram.set_local_time("2026-11-26 07:30")
    asked = await telegram.run_job(f"checkin-open:{k.site.id}:start")

    assert to(asked, GUARD.id) == []
    assert sorted(c.text.split(" · ")[1] for c in to(asked, COOK.id)) == ["厨房", "大门"]
    refused = await telegram.feed(
        {"callback_query": _tap_data(GUARD, f"ck:v1:z:{k.zones['大门'].id}:start:20261126:ok")}
    )
    assert toasts(refused) == ["今天这个责任区不由你自查。"]


def _tap_data(user, data):  # type: ignore[no-untyped-def]
    message = {"message_id": 1, "date": 0, "chat": {"id": user.id, "type": "private"}, "text": "…"}
    return {
        "id": "1",
        "from": user.to_dict(),
        "chat_instance": "c",
        "message": message,
        "data": data,
    }


async def test_the_logistics_lead_adds_a_zone_from_chat_and_others_may_not(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")

    picker = await telegram.send(LOGISTICS_LEAD, "/zone add 二楼走廊")
    assert picker[-1].text == "谁负责自查「二楼走廊」？"
    done = await tap(telegram, LOGISTICS_LEAD, picker, "钱大爷")
    refused = await telegram.send(GUARD, "/zone add 操场")

    assert done[-1].text == "✅ 责任区「二楼走廊」：由 钱大爷 自查。"
    zones = {z.name: z.person_id for z in list_zones(session=db, site_id=k.site.id or 0)}
    assert zones["二楼走廊"] == person_of(db, GUARD).id and "操场" not in zones
    assert refused[-1].text.startswith("只有") and "后勤组长" in refused[-1].text
