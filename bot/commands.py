"""The bot's slash commands: shown in /help and published with set_my_commands."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.ext import Application

from bot.i18n import LOCALES, N_, Translate, translator
from storage.people import RoleAtSite
from storage.permissions import Action, can


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    private: bool = True
    group: bool = False
    action: Action | None = None
    section: str = "work"  # a heading of /help: see SECTIONS


# /help groups commands by what the person can do with them, in this order.
SECTIONS = {
    "work": N_("Daily work"),
    "manage": N_("Managing the site"),
    "account": N_("You and this chat"),
}


COMMANDS: list[Command] = [
    Command("start", N_("Start, or join with an invitation"), section="account"),
    Command("help", N_("What I can do for you"), group=True, section="account"),
    Command("me", N_("My sites and roles"), section="account"),
    Command("lang", N_("Language: 中文 / English"), section="account"),
    Command("disinfect", N_("Confirm a disinfection"), action=Action.DISINFECT_OWN_CLASS),
    Command(
        "epidemic",
        N_("Epidemic mode: on or off"),
        action=Action.SET_EPIDEMIC_MODE,
        section="manage",
    ),
    Command("checkin", N_("Morning check and attendance"), action=Action.MORNING_CHECK_OWN_CLASS),
    Command("leave", N_("Take leave: /leave 11月25日-11月27日 病假"), action=Action.TAKE_LEAVE),
    Command(
        "zone",
        N_("Responsibility zones and who checks them"),
        action=Action.MANAGE_ZONES,
        section="manage",
    ),
    Command(
        "calendar",
        N_("Closed days: holidays and breaks"),
        action=Action.MANAGE_CALENDAR,
        section="manage",
    ),
    Command("today", N_("Today's summary"), action=Action.VIEW_SUMMARY),
    Command("week", N_("The week's summary"), action=Action.VIEW_SUMMARY),
    Command("export", N_("Export a ledger (XLSX)"), action=Action.EXPORT_LEDGERS, section="manage"),
    Command("repair", N_("Report something broken"), action=Action.REPORT_REPAIR),
    Command("hazard", N_("Report a safety hazard"), action=Action.REPORT_REPAIR),
    Command("tickets", N_("Repair tickets: mine, or all open ones"), action=Action.REPORT_REPAIR),
    Command("ticket", N_("One ticket: /ticket 142"), action=Action.REPORT_REPAIR),
    Command("samples", N_("Log today's food samples"), action=Action.LOG_SAMPLES),
    Command("delivery", N_("Check in a delivery"), action=Action.CHECK_DELIVERIES),
    Command("tasks", N_("This week's and overdue tasks"), action=Action.VIEW_TASKS),
    Command("plan", N_("Import the term's work plan"), action=Action.IMPORT_PLAN, section="manage"),
    Command("invite", N_("Invite staff or parents"), action=Action.INVITE_STAFF, section="manage"),
    Command(
        "invites",
        N_("Open invitations; withdraw one"),
        action=Action.INVITE_STAFF,
        section="manage",
    ),
    Command(
        "notice",
        N_("Send a notice to parents"),
        action=Action.SEND_CLASS_NOTICES,
        section="manage",
    ),
    Command(
        "notices",
        N_("Notices sent: who has read them"),
        action=Action.SEND_CLASS_NOTICES,
        section="manage",
    ),
    Command("stop", N_("Stop receiving notices"), action=Action.RECEIVE_NOTICES, section="account"),
    Command(
        "members",
        N_("Members: change a role or class, remove"),
        action=Action.MANAGE_MEMBERS,
        section="manage",
    ),
    Command("bind", N_("Bind this group to the site"), private=False, group=True, section="manage"),
    Command("unbind", N_("Unbind this group"), private=False, group=True, section="manage"),
    Command("cancel", N_("Cancel the current step"), section="account"),
]


# Who may do something anywhere may also do it in their own class.
_WIDER = {
    Action.DISINFECT_OWN_CLASS: Action.DISINFECT_ANY_CLASS,
    Action.SEND_CLASS_NOTICES: Action.SEND_NOTICES,
}


def commands_for(roles: list[RoleAtSite], *, private: bool) -> list[Command]:
    role_names = [r.role for r in roles]
    chosen = []
    for command in COMMANDS:
        if (private and not command.private) or (not private and not command.group):
            continue
        if (
            command.action is None
            or can(role_names, command.action)
            or (command.action in _WIDER and can(role_names, _WIDER[command.action]))
        ):
            chosen.append(command)
    return chosen


def help_text(_: Translate, roles: list[RoleAtSite], *, private: bool) -> str:
    """Each command with its description, grouped under what the person can do."""
    chosen = commands_for(roles, private=private)
    lines = [_("What you can do here:")]
    for key, heading in SECTIONS.items():
        section = [c for c in chosen if (c.section if c.section in SECTIONS else "work") == key]
        if section:
            lines.append(f"【{_(heading)}】")
            lines += [f"/{c.name} — {_(c.description)}" for c in section]
    return "\n".join(lines)


async def publish_commands(application: Application) -> None:
    """Localized command lists for private chats and groups; Chinese is the default."""
    for scope, private in (
        (BotCommandScopeAllPrivateChats(), True),
        (BotCommandScopeAllGroupChats(), False),
    ):
        for language in (None, *LOCALES):
            _ = translator(language or "zh")
            commands = [
                BotCommand(c.name, _(c.description))
                for c in COMMANDS
                if (c.private if private else c.group)
            ]
            await application.bot.set_my_commands(commands, scope=scope, language_code=language)
