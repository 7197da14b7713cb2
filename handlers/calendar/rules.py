"""⚙️ Calendar rules (director, logistics head): see each rule, switch it off, change its role
or lead time. Changes are kept in the audit trail."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import ConversationHandler

from bot.callbacks import pack
from bot.context import BotContext
from bot.keyboards import in_rows, inline_keyboard
from bot.labels import role_label
from bot.views import calendar as views
from bot.views.plan import TASK_ROLES
from handlers.calendar.tasks import show
from handlers.common import refuse
from storage.calendar import is_manager, list_rules, update_rule
from storage.calendar_models import TaskRule
from storage.people import sites_where_allowed
from storage.permissions import Action, Role

END = ConversationHandler.END
LEADS = (1, 3, 7, 14)
PREFIX = views.PREFIX


async def _allowed(update: Update, context: BotContext, rule: TaskRule | None = None) -> bool:
    sites = sites_where_allowed(context.roles, Action.MANAGE_CALENDAR)
    if not sites or (rule is not None and not is_manager(context.roles, rule.site_id)):
        await refuse(update, context, Action.MANAGE_CALENDAR)
        return False
    return True


async def step_rules(update: Update, context: BotContext, args: list[str]) -> int:
    """The list of the site's recurring rules (one-off plan items are left out)."""
    if not await _allowed(update, context):
        return END
    assert update.callback_query is not None
    await update.callback_query.answer()
    _ = context._
    site_id = sites_where_allowed(context.roles, Action.MANAGE_CALENDAR)[0]
    rules = [r for r in list_rules(session=context.db, site_id=site_id) if r.recurrence != "once"]
    lines = [_("⚙️ Calendar rules: tap one to change it")]
    buttons = []
    for rule in rules:
        mark = "✅" if rule.active else "⏸"
        lines.append(f"{mark} {rule.title} · {views.recurrence_text(_, rule.recurrence, rule.interval)}"
                     f" · {_role(context, rule)}")  # fmt: skip
        buttons.append(InlineKeyboardButton(f"{mark} {rule.title[:20]}",
                                            callback_data=pack(PREFIX, "rr", rule.id)))  # fmt: skip
    await show(update, "\n".join(lines), inline_keyboard(in_rows(buttons, 2)))
    return END


def _role(context: BotContext, rule: TaskRule) -> str:
    return role_label(context._, rule.role) if rule.role else context._("not assigned (director)")


async def step_rule(update: Update, context: BotContext, args: list[str]) -> int:
    """One rule: rr show, ra on/off, rl lead days, rp role picker, rs set role."""
    query = update.callback_query
    assert query is not None
    step = (query.data or "").split(":")[2]
    rule = context.db.get(TaskRule, int(args[0]))
    if rule is None:
        await query.answer(context._(views.NOT_FOUND), show_alert=True)
        return END
    if not await _allowed(update, context, rule):
        return END
    await query.answer()
    person_id = context.person.id if context.person else None
    if step == "ra":
        update_rule(session=context.db, rule=rule, person_id=person_id, active=not rule.active)
    elif step == "rl":
        if int(args[1]) not in LEADS:
            raise ValueError("lead days not offered")
        update_rule(session=context.db, rule=rule, person_id=person_id, lead_days=int(args[1]))
    elif step == "rs":
        role = None if args[1] == "-" else Role(args[1]).value
        update_rule(session=context.db, rule=rule, person_id=person_id, role=role)
    elif step == "rp":
        buttons = [InlineKeyboardButton(role_label(context._, r),
                                        callback_data=pack(PREFIX, "rs", rule.id, r.value))
                   for r in TASK_ROLES]  # fmt: skip
        await show(update, context._("Who is responsible for “{title}”?").format(title=rule.title),
                   inline_keyboard(in_rows(buttons, 2)))  # fmt: skip
        return END
    await _show_rule(update, context, rule)
    return END


async def _show_rule(update: Update, context: BotContext, rule: TaskRule) -> None:
    _ = context._
    text = "\n".join(
        [
            f"{rule.title} · {views.recurrence_text(_, rule.recurrence, rule.interval)}",
            _("Responsible: {names}").format(names=_role(context, rule)),
            _("First reminder {days} days before").format(days=rule.lead_days),
            _("On") if rule.active else _("Switched off"),
        ]
    )
    toggle = _("⏸ Switch off") if rule.active else _("▶️ Switch on")
    rows = [
        [InlineKeyboardButton(toggle, callback_data=pack(PREFIX, "ra", rule.id)),
         InlineKeyboardButton(_("👤 Responsible"), callback_data=pack(PREFIX, "rp", rule.id))],
        [InlineKeyboardButton(_("{n} days").format(n=n), callback_data=pack(PREFIX, "rl", rule.id, n))
         for n in LEADS],
        [InlineKeyboardButton(_("◀ All rules"), callback_data=pack(PREFIX, "r"))],
    ]  # fmt: skip
    await show(update, text, inline_keyboard(rows))
