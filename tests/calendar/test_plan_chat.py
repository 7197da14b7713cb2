"""/plan in private chat: paste or send the plan → review page by page → confirm → scheduled.
Nothing is scheduled before the director confirms; bad input gets a clear answer."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from storage.calendar_models import TaskRule
from tests.calendar.setup import CAREGIVER, DIRECTOR, make_kindergarten
from tests.calendar.test_plan_import import make_docx
from tests.conftest import BotFactory
from tests.support.telegram import Telegram, texts

PLAN = (Path(__file__).parent / "plans" / "kindergarten_spring.txt").read_text(encoding="utf-8")


def plan_rules(db: Session) -> list[TaskRule]:
    query = select(TaskRule).where(TaskRule.source == "plan").order_by(TaskRule.id)  # type: ignore[arg-type]
    return list(db.exec(query))


async def test_review_drop_change_role_and_confirm(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")

    prompt = await telegram.send(DIRECTOR, "/plan")
    review = (await telegram.send(DIRECTOR, PLAN))[-1]
    assert plan_rules(db) == []  # nothing before the director confirms
    dropped = (await telegram.press(DIRECTOR, review, "❌ 删除 1"))[-1]
    picker = (await telegram.press(DIRECTOR, dropped, "👤 负责人 3"))[-1]
    changed = (await telegram.press(DIRECTOR, picker, "后勤组长"))[-1]
    page2 = (await telegram.press(DIRECTOR, changed, "▶"))[-1]
    confirmed = await telegram.press(DIRECTOR, page2, "✅ 确认导入")

    assert "请粘贴本学期工作计划" in prompt[-1].text
    assert review.text.startswith("📥 学期计划：共找到 18 项 · 第 1/3 页")
    assert "2027年2月 4 项 · 2027年3月 3 项 · 2027年4月 3 项" in review.text
    assert "1. ❌ 2027年2月 开学前对园舍" in dropped.text
    assert "3. 2027年2月 与各班签订安全责任书 · 后勤组长" in changed.text
    assert "第 2/3 页" in page2.text and "10. 2027年4月" in page2.text
    assert "✅ 已安排 17 项任务" in confirmed[-1].text
    stored = plan_rules(db)
    assert len(stored) == 17
    assert stored[0].title == "做好开学初幼儿晨检及传染病预防工作"
    assert stored[0].role == "health_teacher" and str(stored[0].start) == "2027-02-28"
    assert stored[1].role == "logistics_lead"
    drill = next(r for r in stored if r.title == "开展一次紧急疏散演练")
    assert drill.kind == "drill" and drill.drill_type == "evacuation"


async def test_a_plan_without_months_schedules_nothing(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    await telegram.send(DIRECTOR, "/plan")

    calls = await telegram.send(DIRECTOR, "安全工作计划\n1、检查灭火器\n2、消防演练")

    assert texts(calls)[0].startswith("没有找到月份标题（如「三月份」「9月份：」），无法安排任务。")
    assert plan_rules(db) == []


async def test_a_file_that_is_not_a_plan_is_refused(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    await telegram.send(DIRECTOR, "/plan")

    image = await telegram.send_document(DIRECTOR, "plan.jpg", b"\xff\xd8\xff", "image/jpeg")
    photo = await telegram.send_photo(DIRECTOR)
    docx = await telegram.send_document(
        DIRECTOR, "计划.docx", make_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )  # fmt: skip

    refusal = "只能读取粘贴的文字、.txt 或 .docx 文件，请用其中一种方式发送计划。"
    assert texts(image) == [refusal] and texts(photo) == [refusal]
    assert docx[-1].text.startswith("📥 学期计划：共找到 5 项")
    assert plan_rules(db) == []


async def test_months_already_past_are_asked_about(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2027-03-15 10:00")
    await telegram.send(DIRECTOR, "/plan")

    question = (await telegram.send(DIRECTOR, PLAN))[-1]
    review = (await telegram.press(DIRECTOR, question, "⏭ 跳过"))[-1]
    await telegram.press(DIRECTOR, review, "✅ 确认导入")

    assert question.text.startswith("这些月份已经过去：2027年2月。排到明年，还是跳过？")
    assert review.text.startswith("📥 学期计划：共找到 14 项")
    assert {r.start.month for r in plan_rules(db)} == {3, 4, 5, 6, 7}


async def test_only_leaders_import_plans(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)

    calls = await telegram.send(CAREGIVER, "/plan")

    assert texts(calls) == ["只有园长 / 分管后勤园长可以进行此操作。"]


async def test_the_review_survives_a_restart(bots: BotFactory, db: Session) -> None:
    make_kindergarten(db)
    telegram = await bots.start()
    telegram.set_local_time("2026-11-26 10:00")
    await telegram.send(DIRECTOR, "/plan")
    review = (await telegram.send(DIRECTOR, PLAN))[-1]
    page2 = (await telegram.press(DIRECTOR, review, "▶"))[-1]
    dropped = (await telegram.press(DIRECTOR, page2, "❌ 删除 9"))[-1]
    await bots.stop(telegram)

    restarted = await bots.start()
    restarted.set_local_time("2026-11-26 10:05")
    confirmed = await restarted.press(DIRECTOR, dropped, "✅ 确认导入")

    assert "✅ 已安排 17 项任务" in confirmed[-1].text
    assert "检修户外大型玩具，更换损坏部件" not in {r.title for r in plan_rules(db)}


async def test_a_plan_too_long_for_one_import_is_refused(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    await telegram.send(DIRECTOR, "/plan")
    month = "\n".join(f"{n}、检查第{n}号灭火器" for n in range(1, 100))
    huge = f"三月份\n{month}\n四月份\n{month}\n五月份\n{month}\n"

    calls = await telegram.send_document(DIRECTOR, "plan.txt", huge.encode())

    assert texts(calls) == [
        "这份计划有 297 项，一次最多导入 200 项。请分开发送（例如每次一个学期）。"
    ]
    assert plan_rules(db) == []


async def test_forged_review_buttons_are_expired_and_change_nothing(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await telegram.send(DIRECTOR, "/plan")
    review = (await telegram.send(DIRECTOR, PLAN))[-1]
    draft = review.buttons()[0][1].split(":")[3]

    for data in (f"cal:v1:pk:{draft}:99", f"cal:v1:pk:{draft}:-1", f"cal:v1:ps:{draft}:0:root",
                 f"cal:v1:pp:{draft}:x", f"cal:v1:py:{draft}:never"):  # fmt: skip
        calls = await telegram.press_data(DIRECTOR, review.result, data)
        assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == [
            "这个按钮已过期，请重新打开菜单。"], data  # fmt: skip
    confirmed = await telegram.press(DIRECTOR, review, "✅ 确认导入")
    assert "✅ 已安排 18 项任务" in confirmed[-1].text
