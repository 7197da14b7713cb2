"""Parents: join by the class link and name the child; /stop and /start; their subscription."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from handlers import onboarding
from handlers.common import reply, reply_with_menu
from storage.parents import (
    CHILD_NAME_MAX,
    add_child,
    is_subscribed,
    list_children,
    set_subscribed,
)
from storage.permissions import Role

END = ConversationHandler.END
ASK_CHILD = 10
CHILD = "notice-child"  # user_data: the class a new parent is naming their child in
# A name has at least one letter or Chinese character (not "1", "." or "？").
_MEANINGFUL = re.compile(r"[^\W\d_]")


def _is_parent(context: BotContext) -> bool:
    return any(r.role == Role.PARENT for r in context.roles)


async def cmd_start(update: Update, context: BotContext) -> int:
    """/start <code> joins (a parent then names the child); /start alone resubscribes a parent."""
    _ = context._
    person = context.person
    if (
        not context.args
        and person is not None
        and _is_parent(context)
        and set_subscribed(session=context.db, person_id=person.id, subscribed=True)
    ):
        await reply_with_menu(
            update, context, _("You will receive the kindergarten's notices again.")
        )
        return END
    joined = await onboarding.cmd_start(update, context)
    if joined is None or joined.role != Role.PARENT or joined.school_class is None:
        return END
    assert joined.person.id is not None and context.user_data is not None
    known = [
        c
        for c in list_children(session=context.db, person_id=joined.person.id)
        if c.class_name == joined.school_class.name and c.site_name == joined.site.name
    ]
    if known:
        return END
    context.user_data[CHILD] = {"site": joined.site.id, "class": joined.school_class.id}
    await reply(
        update,
        _(
            "Please type your child's name (in {class_name}), so the teachers know whose parent you are:"
        ).format(class_name=joined.school_class.name),
    )
    return ASK_CHILD


async def on_child_name(update: Update, context: BotContext) -> int:
    _ = context._
    pending = context.user_data.get(CHILD) if context.user_data else None
    message = update.effective_message
    if not pending or message is None or context.person is None:
        return END
    name = (message.text or "").strip()
    if len(name) > CHILD_NAME_MAX:
        await reply(
            update,
            _(
                "That is {count} characters; a name has at most {limit}. Please type it again:"
            ).format(count=len(name), limit=CHILD_NAME_MAX),
        )
        return ASK_CHILD
    if not _MEANINGFUL.search(name):
        await reply(update, _("Please type your child's name, e.g. 陈小明:"))
        return ASK_CHILD
    add_child(
        session=context.db,
        person_id=context.person.id,
        site_id=pending["site"],
        class_id=pending["class"],
        child_name=name,
    )
    context.user_data.pop(CHILD, None)  # type: ignore[union-attr]
    await reply_with_menu(
        update,
        context,
        _("Thank you! You will receive the kindergarten's notices for {child} here.").format(
            child=name
        ),
    )
    return END


async def cmd_stop(update: Update, context: BotContext) -> None:
    """Unsubscribe from notices; /start subscribes again."""
    _ = context._
    if not _is_parent(context) or context.person is None:
        await reply(update, _("/stop is for parents: it stops the kindergarten's notices."))
        return
    if set_subscribed(session=context.db, person_id=context.person.id, subscribed=False):
        text = _("You will no longer receive notices. Send /start to receive them again.")
    else:
        text = _("You are already unsubscribed. Send /start to receive notices again.")
    await reply(update, text)


async def cmd_subscription(update: Update, context: BotContext) -> None:
    """A parent's own data: their children, and whether notices come."""
    _ = context._
    person = context.person
    if person is None or not _is_parent(context):
        await reply(update, _("Only parents have a subscription to notices."))
        return
    children = list_children(session=context.db, person_id=person.id)
    lines = [_("📬 My subscription")]
    lines += [f"• {c.site_name} · {c.class_name} · {c.child_name}" for c in children]
    if is_subscribed(session=context.db, person_id=person.id):
        lines.append(_("You receive the notices. Send /stop to stop them."))
    else:
        lines.append(_("You have unsubscribed. Send /start to receive notices again."))
    await reply_with_menu(update, context, "\n".join(lines))
