"""/help in Chinese, grouped by what the person can do; /epidemic with 开启 / 关闭 buttons."""

from __future__ import annotations

from sqlmodel import Session

from storage.site_settings import get_site_settings
from tests.disinfection.setup import DIRECTOR, HEALTH_TEACHER, make_kindergarten
from tests.support.telegram import Telegram, answers


async def test_help_describes_each_command_in_chinese_grouped_by_what_one_can_do(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)

    director = (await telegram.send(DIRECTOR, "/help"))[-1].text.splitlines()
    caregiver = (await telegram.send(k.caregivers["小一班"], "/help"))[-1].text.splitlines()

    assert director[:3] == ["您可以使用：", "【日常工作】", "/disinfect — 消毒打卡"]
    assert "【园所管理】" in director and "/members — 成员：改身份、改班级、移除" in director
    assert director.index("【园所管理】") < director.index("/invite — 邀请教职工或家长")
    assert "【我的账号与对话】" in director and "/lang — 语言：中文 / English" in director
    assert "【园所管理】" not in caregiver and "/disinfect — 消毒打卡" in caregiver
    commands = [line for line in director if line.startswith("/")]
    # Every command has a description, and it is not the English text.
    assert all(" — " in line and line.split(" — ")[1].isascii() is False for line in commands)


async def test_epidemic_offers_buttons_that_recheck_who_presses(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)

    shown = (await telegram.send(HEALTH_TEACHER, "/epidemic"))[-1]
    assert shown.text == "第一幼儿园：疫情模式已关闭，每天消毒 1 轮。"
    assert [label for label, _ in shown.buttons()] == ["开启", "关闭"]

    stranger = await telegram.press(k.caregivers["小一班"], shown, "开启")
    db.refresh(k.site)
    assert answers(stranger) == ["只有园长 / 分管后勤园长 / 保健老师可以进行此操作。"]
    assert get_site_settings(k.site).epidemic_mode is False

    switched = (await telegram.press(HEALTH_TEACHER, shown, "开启"))[-1]

    assert switched.method == "editMessageText"
    assert switched.text.startswith("第一幼儿园：疫情模式已开启，每天消毒 2 轮。")
    db.refresh(k.site)
    assert get_site_settings(k.site).epidemic_mode is True
    off = (await telegram.press(DIRECTOR, switched, "关闭"))[-1]
    assert off.text.startswith("第一幼儿园：疫情模式已关闭，每天消毒 1 轮。")
