"""Bad input while composing: an empty notice, a text over Telegram's limit, a wrong attachment."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests.notices.setup import (
    DIRECTOR,
    deliveries,
    last_with_buttons,
    make_school,
    notices_to,
    sent_out,
    tap_through,
)
from tests.support.telegram import Telegram, text_message, texts


def document(user: Any, mime_type: str, name: str) -> dict[str, Any]:
    message = text_message(user, "")
    del message["text"]
    message["document"] = {
        "file_id": f"doc-{name}",
        "file_unique_id": f"u-{name}",
        "file_name": name,
        "mime_type": mime_type,
    }
    return {"message": message}


async def test_empty_title_and_body_are_asked_again(telegram: Telegram, db: Session) -> None:
    make_school(db)
    asked = await tap_through(telegram, DIRECTOR, "写新通知")
    assert texts(asked)[-1] == "请输入标题（最多 60 个字）："

    assert texts(await telegram.send(DIRECTOR, "。"))[-1].startswith("通知需要标题")
    long_title = "安" * 61
    assert texts(await telegram.send(DIRECTOR, long_title))[-1] == (
        "标题共 61 个字，最多 60 个字。请重新输入："
    )
    assert texts(await telegram.send(DIRECTOR, "元旦放假通知"))[-1] == "请输入通知正文："
    assert texts(await telegram.send(DIRECTOR, "3"))[-1] == "通知内容为空。请输入正文："

    draft = (await telegram.send(DIRECTOR, "1月1日至3日放假，4日正常入园。"))[-1]
    assert draft.text.startswith("📝 草稿（17 字）\n\n元旦放假通知\n\n1月1日至3日放假")


async def test_a_body_over_the_limit_is_counted_and_split_on_request(
    telegram: Telegram, db: Session
) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    await tap_through(telegram, DIRECTOR, "写新通知")
    await telegram.send(DIRECTOR, "寒假安全须知")
    body = "\n\n".join(f"第{n}条：" + "注意安全。" * 90 for n in range(1, 11))
    draft = (await telegram.send(DIRECTOR, body))[-1]

    offer = (await telegram.press(DIRECTOR, draft, "下一步"))[-1]
    assert offer.text == (
        f"正文共 {len(body)} 字，每条消息最多 3970 字。可以分成 2 条发送，或重新输入较短的正文："
    )
    prompt = (await telegram.press(DIRECTOR, offer, "分成 2 条发送"))[-1]
    audience = (await telegram.press(DIRECTOR, prompt, "跳过"))[-1]
    await telegram.press(DIRECTOR, audience, "中一班")
    confirm = (await telegram.press(DIRECTOR, last_with_buttons(telegram.request.calls), "预览"))[
        -1
    ]
    await telegram.press(DIRECTOR, confirm, "确认发送")
    await sent_out(telegram)

    sun = school.parents["孙丽"].id
    parts = [c for c in telegram.request.sent(sun)]
    assert [c.text.split("\n")[0] for c in parts] == [
        "📢 寒假安全须知 (1/2)",
        "📢 寒假安全须知 (2/2)",
    ]
    assert all(len(c.text) <= 4096 for c in parts)
    assert len(notices_to(telegram.request, sun)) == 1  # the button is on the last part only
    [row] = deliveries(db)
    assert (row.status, row.parts_sent) == ("sent", 1)


async def test_only_an_image_or_a_pdf_can_be_attached(telegram: Telegram, db: Session) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    await tap_through(telegram, DIRECTOR, "假期安全", "下一步")

    refused = await telegram.feed(document(DIRECTOR, "application/msword", "通知.doc"))
    assert texts(refused)[-1] == "只能附加图片或 PDF。请发送一个，或点「跳过」。"
    assert texts(await telegram.send(DIRECTOR, "好的"))[-1].startswith("只能附加图片或 PDF")

    audience = (await telegram.feed(document(DIRECTOR, "application/pdf", "假期安全.pdf")))[-1]
    await telegram.press(DIRECTOR, audience, "中一班")
    confirm = (await telegram.press(DIRECTOR, last_with_buttons(telegram.request.calls), "预览"))[
        -1
    ]
    preview = telegram.request.sent(DIRECTOR.id, "sendDocument")
    assert [c.params["document"] for c in preview] == ["doc-假期安全.pdf"]
    await telegram.press(DIRECTOR, confirm, "确认发送")
    await sent_out(telegram)

    sun = school.parents["孙丽"].id
    [pdf] = telegram.request.sent(sun, "sendDocument")
    assert pdf.params["document"] == "doc-假期安全.pdf" and pdf.text == "📢 假期安全"
    assert len(notices_to(telegram.request, sun)) == 1
