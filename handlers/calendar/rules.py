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
from storage.members import list_members
from storage.models import Person
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
    if rule.person_id is not None:
        person = context.db.get(Person, rule.person_id)
        return person.display_name if person else "—"
    return role_label(context._, rule.role) if rule.role else context._("not assigned (director)")


async def step_rule(update: Update, context: BotContext, args: list[str]) -> int:
    """One rule: rr show, ra on/off, rl lead days, rp who picker, rs set role, rq set person."""
    query = update.callback_query
    assert query is not None
    step = (query.data or "").split(":")[2]
    rule = context.db.get(TaskRule, int(args[0]))
    if rule is None:
        await query.answer(context._(views.NOT_FOUND), show_alert=True)
        return END
    if not await _allowed(update, context, rule):
        return END
    changes = _changes(context, rule, step, args)  # a forged value raises before any answer
    await query.answer()
    if step == "rp":
        await _pick_responsible(update, context, rule)
        return END
    if changes:
        editor = context.person.id if context.person else None
        update_rule(session=context.db, rule=rule, by=editor, **changes)
    await _show_rule(update, context, rule)
    return END


def _changes(context: BotContext, rule: TaskRule, step: str, args: list[str]) -> dict[str, object]:
    """What a button changes, checked (ValueError for a value no button offers)."""
    if step == "ra":
        return {"active": not rule.active}
    if step == "rl":
        if int(args[1]) not in LEADS:
            raise ValueError("lead days not offered")
        return {"lead_days": int(args[1])}
    if step == "rs":
        return {"role": None if args[1] == "-" else Role(args[1]).value, "person_id": None}
    if step == "rq":
        if int(args[1]) not in _staff(context, rule.site_id):
            raise ValueError("not a staff member of this site")
        return {"person_id": int(args[1])}
    return {}


def _staff(context: BotContext, site_id: int) -> dict[int, str]:
    """Active staff of the site by person id (parents never hold a task)."""
    return {
        m.membership.person_id: m.name
        for m in list_members(session=context.db, site_id=site_id)
        if m.role != Role.PARENT
    }


async def _pick_responsible(update: Update, context: BotContext, rule: TaskRule) -> None:
    """A role (everyone holding it) or one named person."""
    roles = [InlineKeyboardButton(role_label(context._, r),
                                  callback_data=pack(PREFIX, "rs", rule.id, r.value))
             for r in TASK_ROLES]  # fmt: skip
    people = [InlineKeyboardButton(f"👤 {name}", callback_data=pack(PREFIX, "rq", rule.id, pid))
              for pid, name in list(_staff(context, rule.site_id).items())[:20]]  # fmt: skip
    text = context._("Who is responsible for “{title}”?").format(title=rule.title)
    await show(update, text, inline_keyboard([*in_rows(roles, 2), *in_rows(people, 3)]))


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
