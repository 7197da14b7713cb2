"""Caregivers confirm disinfection with taps; the record is trustworthy; bad input changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from bot.views.text import plain
from storage.sites import update_site_settings
from tests.disinfection.setup import (
    HEALTH_TEACHER,
    PARENT,
    board_messages,
    confirm,
    make_kindergarten,
    records,
)
from tests.support.telegram import Telegram, User, answers, texts, to


async def test_caregiver_confirms_chlorine_and_the_board_shows_it(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 10:05")

    calls = await confirm(
        telegram, k.caregivers["小一班"], "小一班 活动室", "含氯消毒液", "500 mg/L"
    )
    await telegram.settle()

    assert (
        "✅ 已记录：小一班 活动室 · 含氯消毒液 500 mg/L · 10:05 · 小一班保育员1" in calls[-1].text
    )
    [record] = records(db)
    assert (record.method, record.concentration_mg_l, record.day, record.round) == (
        "chlorine",
        500,
        date(2026, 11, 23),
        1,
    )
    assert record.late is False and record.ended_at is not None
    card = board_messages(telegram)[-1]
    assert card.text.splitlines() == [
        "🧴 今日消毒 11月23日（周一）",
        "已完成 1/6 · 第一幼儿园 · 16:30 截止",
        "⬜ 待消毒：",
        "小一班：午睡室 ⬜",
        "小二班：活动室 ⬜ · 午睡室 ⬜",
        "中一班：活动室 ⬜ · 午睡室 ⬜",
        "✅ 已消毒：",
        "小一班：活动室 ✅ 10:05 小一班保育员1",
    ]
    assert "小一班 活动室" not in [label for label, _ in card.buttons()]


async def test_uv_session_records_the_real_start_stop_and_duration(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小二班"]
    telegram.set_local_time("2026-11-23 12:10")
    prompt = (await confirm(telegram, caregiver, "小二班 午睡室", "紫外线灯"))[-1]
    assert "需照射 60 分钟" in prompt.text

    running = (await telegram.press(caregiver, prompt, "开始"))[-1]
    assert "紫外线灯 12:10 开始照射" in running.text
    [record] = records(db)
    assert record.running and record.ended_at is None

    telegram.set_local_time("2026-11-23 12:40")
    too_early = await telegram.press(caregiver, running, "结束")
    assert answers(too_early) == [
        "紫外线灯需照射 60 分钟，还差 30 分钟。如需提前关灯，请点「中止」。"
    ]

    telegram.set_local_time("2026-11-23 13:10")
    reminder = to(await telegram.run_job(f"disinfection-uv:{record.id}"), caregiver.id)[-1]
    assert reminder.chat_id == caregiver.id and "已照射 60 分钟" in reminder.text
    assert to(await telegram.run_job(f"disinfection-uv:{record.id}"), caregiver.id) == []

    telegram.set_local_time("2026-11-23 13:14")
    ended = (await telegram.press(caregiver, reminder, "结束"))[-1]

    assert "12:10–13:14（64 分钟）" in ended.text
    [record] = records(db)
    assert record.started_at is not None and record.ended_at is not None
    assert (record.ended_at - record.started_at).total_seconds() == 64 * 60


@pytest.mark.parametrize("epidemic", [False, True])
async def test_start_tapped_again_shows_the_running_lamp_and_records_once(
    telegram: Telegram, db: Session, epidemic: bool
) -> None:
    """The answer to 开始 lost (a crash between the record and the reply): tapping 开始 again
    shows the running lamp, with its buttons, instead of a refusal (in epidemic mode too,
    where the button names its round)."""
    k = make_kindergarten(db)
    update_site_settings(session=db, site=k.site, changes={"epidemic_mode": epidemic})
    caregiver = k.caregivers["小二班"]
    telegram.set_local_time("2026-11-23 12:10")
    prompt = (await confirm(telegram, caregiver, "小二班 午睡室", "紫外线灯"))[-1]
    await telegram.press(caregiver, prompt, "开始")

    telegram.set_local_time("2026-11-23 12:11")
    again = (await telegram.press(caregiver, prompt, "开始"))[-1]

    assert "紫外线灯 12:10 开始照射" in again.text
    assert [label for label, _data in again.buttons()] == ["⏹ 结束", "✖️ 中止"]
    [record] = records(db)
    assert record.running
    # Someone else's 开始 on that room is refused: the lamp is not theirs to end.
    start = next(data for label, data in prompt.buttons() if "开始" in label)
    refused = await telegram.press_data(HEALTH_TEACHER, prompt.result, start)
    assert "该场所的紫外线灯正在照射，请先结束。" in answers(refused) + texts(refused)
    assert len(records(db)) == 1


async def test_uv_aborted_early_leaves_the_room_to_do(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小二班"]
    telegram.set_local_time("2026-11-23 12:10")
    prompt = (await confirm(telegram, caregiver, "小二班 午睡室", "紫外线灯"))[-1]
    running = (await telegram.press(caregiver, prompt, "开始"))[-1]

    aborted = (await telegram.press(caregiver, running, "中止"))[-1]
    end_after_abort = await telegram.press(caregiver, running, "结束")

    assert "紫外线消毒已中止" in aborted.text
    assert answers(end_after_abort) == ["这次紫外线消毒已中止，无需结束。"]
    assert records(db) == []


async def test_chlorine_concentration_is_validated_and_typed_input_works(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["中一班"]
    telegram.set_local_time("2026-11-23 10:00")
    ask = (await confirm(telegram, caregiver, "中一班 活动室", "含氯消毒液", "其他浓度"))[-1]
    assert ask.text == "请输入浓度（mg/L），例如 500："

    too_strong = (await telegram.send(caregiver, "5000"))[-1]
    nonsense = (await telegram.send(caregiver, "很浓"))[-1]
    assert records(db) == []
    good = (await telegram.send(caregiver, "２５０ mg/L"))[-1]

    assert too_strong.text.startswith("请输入 100–2000 mg/L 之间的浓度。")
    assert nonsense.text.startswith("请输入 100–2000 mg/L 之间的浓度。")
    assert "含氯消毒液 250 mg/L" in good.text
    assert records(db)[0].concentration_mg_l == 250


async def test_a_second_confirmation_of_the_same_room_records_nothing(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    methods = [c for c in await confirm(telegram, caregiver, "小一班 活动室", "消毒柜")]
    picker = (await telegram.send(caregiver, "🧴 消毒打卡"))[-1]

    assert "小一班 活动室" not in [label for label, _ in picker.buttons()]
    stale = await telegram.send(caregiver, "🧴 消毒打卡")
    again = await telegram.press(caregiver, stale[-1], "小一班 午睡室")
    repeat = await telegram.press(caregiver, again[-1], "消毒柜")
    duplicate = await telegram.press_data(
        caregiver, repeat[-1].result, f"dis:v1:m:{records(db)[0].area_id}:20261123:cabinet"
    )

    assert "✅ 已记录" in methods[-1].text
    assert answers(duplicate) == ["小一班 活动室今天已经消毒过了。"]
    assert len(records(db)) == 2


async def test_people_outside_the_class_cannot_confirm_from_the_board(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 08:00")
    telegram.schedule()
    await telegram.run_job(f"disinfection-board:{k.site.id}")
    board = board_messages(telegram)[-1]
    stranger = User(999, "路人")

    refusals = []
    for user in (k.caregivers["小二班"], PARENT, stranger):
        refusals += answers(await telegram.press(user, board, "小一班 活动室"))

    assert refusals == ["只有本班教职工、保育组长或保健老师可以确认这个场所的消毒。"] * 3
    assert records(db) == []


async def test_a_board_tap_continues_in_private_chat(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 08:00")
    telegram.schedule()
    await telegram.run_job(f"disinfection-board:{k.site.id}")
    board = board_messages(telegram)[-1]

    tapped = await telegram.press(caregiver, board, "小一班 午睡室")
    private = next(c for c in tapped if c.method == "sendMessage")
    done = await telegram.press(caregiver, private, "通风")
    await telegram.settle()

    assert answers(tapped) == ["已私信您，请在私聊中继续。"]
    assert private.chat_id == caregiver.id and private.text == "小一班 午睡室：用什么方式消毒？"
    assert "✅ 已记录：小一班 午睡室 · 通风" in done[-1].text
    assert "小一班：午睡室 ✅ 08:00" in board_messages(telegram)[-1].text


async def test_yesterdays_board_is_refused_with_a_pointer_to_late_entry(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-22 08:00")
    telegram.schedule()
    await telegram.run_job(f"disinfection-board:{k.site.id}")
    old_board = board_messages(telegram)[-1]
    telegram.set_local_time("2026-11-23 09:00")

    calls = await telegram.press(k.caregivers["小一班"], old_board, "小一班 活动室")

    assert answers(calls) == ["这是之前日期的看板。如需补录，请在私聊中点「🧴 消毒打卡」。"]
    assert records(db) == []


async def test_after_the_deadline_a_confirmation_needs_a_reason_and_is_marked_late(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 17:10")

    ask = (await confirm(telegram, caregiver, "小一班 活动室", "消毒柜"))[-1]
    assert (
        ask.text
        == "小一班 活动室 · 消毒柜\n已过 16:30 截止时间，这条记录将标为补录。请输入补录原因："
    )
    assert records(db) == []
    done = (await telegram.send(caregiver, "下午外出活动，回园后补做"))[-1]
    await telegram.settle()

    assert "已标为11月23日（周一）的补录。原因：下午外出活动，回园后补做" in done.text
    [record] = records(db)
    assert record.late and record.late_reason == "下午外出活动，回园后补做"
    card = board_messages(telegram)[-1].text
    assert "小一班：活动室 ✅ 17:10 小一班保育员1（\u2060补\u2060录\u2060）" in card
    assert "小一班：活动室 ✅ 17:10 小一班保育员1（补录）" in plain(card)


async def test_late_entry_for_yesterday(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 09:00")
    picker = (await telegram.send(caregiver, "🧴 消毒打卡"))[-1]

    yesterday = (await telegram.press(caregiver, picker, "补录 11月22日"))[-1]
    assert yesterday.text == "11月22日（周日），消毒了哪个场所？"
    methods = (await telegram.press(caregiver, yesterday, "小一班 午睡室"))[-1]
    ask = (await telegram.press(caregiver, methods, "紫外线灯"))[-1]
    done = (await telegram.send(caregiver, "昨天忘记登记"))[-1]

    assert ask.text == "小一班 午睡室 · 紫外线灯\n这是11月22日（周日）的补录，请输入原因："
    assert "✅ 已记录：小一班 午睡室 · 紫外线灯 · 09:00 · 小一班保育员1" in done.text
    assert "已标为11月22日（周日）的补录。原因：昨天忘记登记" in done.text
    [record] = records(db)
    assert (record.day, record.late, record.method) == (date(2026, 11, 22), True, "uv_lamp")


async def test_cancel_drops_a_half_done_entry(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    await confirm(telegram, caregiver, "小一班 活动室", "含氯消毒液", "其他浓度")

    cancelled = (await telegram.send(caregiver, "/cancel"))[-1]
    after = await telegram.send(caregiver, "500")

    assert cancelled.text == "已取消。"
    [hint] = texts(after)  # no longer a concentration: just what she can do here
    assert hint.startswith("请用下方菜单按钮：🧴 消毒打卡 · ") and "发送 /help" in hint
    assert records(db) == []
    nothing = (await telegram.send(caregiver, "/cancel"))[-1]
    assert nothing.text == "当前没有进行中的操作，无需取消。"


async def test_a_photo_is_attached_to_the_latest_confirmation(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    await confirm(telegram, caregiver, "小一班 活动室", "消毒柜")

    reply = (await telegram.send_photo(caregiver))[-1]

    assert reply.text == "📷 照片已附到 小一班 活动室 的消毒记录。"
    assert records(db)[0].photo_file_id is not None


async def test_epidemic_mode_asks_for_two_rounds_a_day(telegram: Telegram, db: Session) -> None:
    from tests.disinfection.setup import HEALTH_TEACHER

    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 09:00")
    refused = (await telegram.send(caregiver, "/epidemic on"))[-1]
    switched = (await telegram.send(HEALTH_TEACHER, "/epidemic on"))[-1]

    await confirm(telegram, caregiver, "小一班 活动室", "消毒柜")
    telegram.set_local_time("2026-11-23 14:00")
    await confirm(telegram, caregiver, "小一班 活动室", "通风")
    picker = (await telegram.send(caregiver, "🧴 消毒打卡"))[-1]
    await telegram.settle()

    assert refused.text.startswith("只有")
    assert switched.text == "第一幼儿园：疫情模式已开启，每天消毒 2 轮。"
    assert [r.round for r in records(db)] == [1, 2]
    assert "小一班 活动室" not in [label for label, _ in picker.buttons()]
    assert "每天 2 轮" in board_messages(telegram)[-1].text
    assert "小一班：活动室 ✅ 09:00 ✅ 14:00 小一班保育员1" in board_messages(telegram)[-1].text


async def test_the_ledger_query_lists_records_between_dates(
    telegram: Telegram, db: Session
) -> None:
    from storage.disinfection_status import list_records

    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-22 10:00")
    await confirm(telegram, caregiver, "小一班 活动室", "消毒柜")
    telegram.set_local_time("2026-11-23 10:00")
    await confirm(telegram, caregiver, "小一班 午睡室", "通风")
    assert k.site.id is not None

    rows = list_records(
        session=db, site_id=k.site.id, start=date(2026, 11, 22), end=date(2026, 11, 23)
    )
    only_today = list_records(
        session=db, site_id=k.site.id, start=date(2026, 11, 23), end=date(2026, 11, 23)
    )

    assert [
        (r.record.day, r.class_name, r.area_kind, r.record.method, r.operator) for r in rows
    ] == [
        (date(2026, 11, 22), "小一班", "activity_room", "cabinet", "小一班保育员1"),
        (date(2026, 11, 23), "小一班", "nap_room", "ventilation", "小一班保育员1"),
    ]
    assert len(only_today) == 1


async def test_late_entries_go_back_one_day_at_a_time_for_at_most_a_week(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 09:00")
    screen = (await telegram.send(caregiver, "🧴 消毒打卡"))[-1]

    seen = []
    while any("补录" in label for label, _ in screen.buttons()):
        label = next(label for label, _ in screen.buttons() if "补录" in label)
        seen.append(label)
        screen = (await telegram.press(caregiver, screen, label))[-1]

    assert seen[0] == "📅 补录 11月22日（周日）" and seen[-1] == "📅 补录 11月16日（周一）"
    assert len(seen) == 7 and screen.text == "11月16日（周一），消毒了哪个场所？"
