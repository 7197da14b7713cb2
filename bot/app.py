"""The application factory: every handler is registered here, in order."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import Engine
from telegram import LinkPreviewOptions
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

# Each registers its site scheduler.
import jobs.calendar
import jobs.checkins
import jobs.deliveries
import jobs.disinfection
import jobs.notices
import jobs.repairs_deadlines
import jobs.samples
import jobs.summary  # noqa: F401
from bot.callbacks import pattern
from bot.commands import publish_commands
from bot.config import Settings
from bot.context import BotContext, HouqinApplication
from bot.errors import ignore_edits, on_error, on_expired_button, refuse_chatless_buttons
from bot.inbox import Inbox, InboxQueue, InboxRequest, ReplayRequest
from bot.menu import menu_button
from bot.persistence import SQLPersistence
from bot.ratelimit import TwoLaneRateLimiter
from bot.views import notices as notice_views
from bot.webhook import install as install_webhook_checks
from handlers import (
    account,
    deliveries,
    export,
    groups,
    hints,
    invites,
    members,
    notices,
    onboarding,
    summary,
)
from handlers.calendar import conversation as calendar
from handlers.calendar import tasks as calendar_tasks
from handlers.checkins import admin as checkin_admin
from handlers.checkins import conversation as checkins
from handlers.checkins import leave
from handlers.disinfection import conversation as disinfection
from handlers.disinfection import epidemic, photo
from handlers.notices import acks as notice_acks
from handlers.notices import parents as notice_parents
from handlers.repairs import conversation as repairs
from handlers.repairs import group as repairs_group
from handlers.repairs import lists as repairs_lists
from handlers.samples import conversation as samples
from handlers.samples.entry import cmd_samples
from jobs.housekeeping import start_housekeeping
from jobs.schedule import start_rescans
from storage.db import make_engine

log = logging.getLogger(__name__)
PLACEHOLDER_TOKEN = "0:no-token"


def build_application(
    settings: Settings,
    *,
    engine: Engine | None = None,
    request: BaseRequest | None = None,
    rate_limiter: bool | None = None,
) -> HouqinApplication:
    """Build the bot; tests pass an offline `request`, production uses PTB's HTTP client."""
    engine = engine or make_engine(settings.database_url)
    inbox = Inbox(engine)
    app_kwargs = {"settings": settings, "engine": engine, "inbox": inbox}
    builder: Any = (
        ApplicationBuilder()
        .application_class(HouqinApplication, kwargs=app_kwargs)
        .token(settings.token or PLACEHOLDER_TOKEN)
        .update_queue(InboxQueue(inbox))
        .context_types(ContextTypes(context=BotContext))
        .persistence(SQLPersistence(engine))
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url).base_file_url(settings.api_base_file_url)
    # Long enough for Telegram's slow answers: an answer lost to a timeout is a message whose
    # fate is unknown (see jobs.outbox). A stop never waits for them (see bot.runner).
    timeout = settings.send_timeout
    sends = HTTPXRequest(
        connection_pool_size=64, connect_timeout=10, read_timeout=timeout, write_timeout=timeout
    )
    builder = builder.request(ReplayRequest(request or sends))
    polling = request or HTTPXRequest(connection_pool_size=1, connect_timeout=10, read_timeout=10)
    builder = builder.get_updates_request(InboxRequest(polling, inbox))
    if settings.rate_limit if rate_limiter is None else rate_limiter:
        # Queues sends to stay within Telegram's 30 in any second overall (a call counts from
        # its sending until a second after its answer, so network jitter cannot make 31),
        # 20/min per group and ~1/s per private chat; retries after a 429. Broadcasts (bulk
        # lane) leave a place free so taps are answered first.
        builder = builder.rate_limiter(TwoLaneRateLimiter())
    install_webhook_checks()  # the secret and size checked before a webhook body is read
    application: HouqinApplication = builder.build()
    register_handlers(application)
    return application


def register_handlers(app: Application) -> None:
    # Before everything: edits of old messages are never taken as new input.
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, ignore_edits), group=-1)
    app.add_handler(CallbackQueryHandler(refuse_chatless_buttons), group=-1)
    # The conversation first: while it waits for typed input, that text is its answer.
    app.add_handler(disinfection.conversation())
    # Private /start (joining; a parent then types the child's name) and /notice's typed
    # steps; onboarding's /start below is then only reached in groups.
    app.add_handler(notices.conversation())
    # Check-ins: its menu buttons are entry points too, so a tap resets a half-typed answer.
    app.add_handler(checkins.conversation())
    # Repairs' conversation: its states take typed answers and photos before anything below.
    app.add_handler(repairs.conversation())
    app.add_handler(samples.conversation())
    # Entered from its menu button too, so it stands before the plain menu handlers.
    app.add_handler(deliveries.conversation())
    # The calendar's conversation: its typed answers (notes, drill figures, a plan) and /plan.
    app.add_handler(calendar.conversation())
    # Commands next: "/cancel" and "/start" must win over any text handler.
    app.add_handler(CommandHandler("start", onboarding.cmd_start, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("help", account.cmd_help))
    app.add_handler(CommandHandler("me", account.cmd_me, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("lang", account.cmd_lang, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("invite", invites.cmd_invite, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("invites", invites.cmd_invites, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("members", members.cmd_members, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("bind", groups.cmd_bind))
    app.add_handler(CommandHandler("unbind", groups.cmd_unbind))
    app.add_handler(
        CommandHandler("disinfect", disinfection.cmd_disinfect, filters.ChatType.PRIVATE)
    )
    app.add_handler(CommandHandler("epidemic", epidemic.cmd_epidemic))
    app.add_handler(CommandHandler("notices", notice_acks.cmd_notices, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("stop", notice_parents.cmd_stop, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("leave", leave.cmd_leave, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("zone", checkin_admin.cmd_zone, filters.ChatType.PRIVATE))
    app.add_handler(
        CommandHandler("calendar", checkin_admin.cmd_calendar, filters.ChatType.PRIVATE)
    )
    app.add_handler(CommandHandler("today", summary.cmd_today, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("week", summary.cmd_week, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("export", export.cmd_export, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("tickets", repairs_lists.cmd_tickets, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("ticket", repairs_lists.cmd_ticket, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("samples", cmd_samples, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("tasks", calendar_tasks.cmd_tasks, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("cancel", disinfection.cmd_cancel))
    # The private-only commands above, sent in a group: point to the private chat.
    app.add_handler(
        CommandHandler(
            list(hints.PRIVATE_ONLY), hints.on_private_command_in_group, ~filters.ChatType.PRIVATE
        )
    )

    # Menu buttons are plain text in the user's language.
    app.add_handler(MessageHandler(menu_button("disinfection"), disinfection.cmd_disinfect))
    app.add_handler(MessageHandler(menu_button("today"), summary.cmd_today))
    app.add_handler(MessageHandler(menu_button("export"), export.cmd_export))
    app.add_handler(MessageHandler(menu_button("samples"), cmd_samples))
    app.add_handler(MessageHandler(menu_button("invite"), invites.cmd_invite))
    app.add_handler(MessageHandler(menu_button("calendar"), calendar_tasks.cmd_tasks))
    app.add_handler(MessageHandler(menu_button("members"), members.cmd_members))
    app.add_handler(MessageHandler(menu_button("me"), account.cmd_me))
    app.add_handler(MessageHandler(menu_button("help"), account.cmd_help))
    app.add_handler(MessageHandler(menu_button("subscription"), notice_parents.cmd_subscription))

    app.add_handler(CallbackQueryHandler(account.on_language_button, pattern=pattern("lang")))
    app.add_handler(CallbackQueryHandler(invites.on_invite_button, pattern=pattern(invites.PREFIX)))
    app.add_handler(CallbackQueryHandler(groups.on_bind_button, pattern=pattern(groups.PREFIX)))
    app.add_handler(CallbackQueryHandler(summary.on_summary_button, pattern=pattern("sum")))
    app.add_handler(CallbackQueryHandler(export.on_export_button, pattern=pattern(export.PREFIX)))
    app.add_handler(
        CallbackQueryHandler(epidemic.on_epidemic_button, pattern=pattern(epidemic.PREFIX))
    )
    app.add_handler(
        CallbackQueryHandler(members.on_members_button, pattern=pattern(members.PREFIX))
    )
    app.add_handler(
        CallbackQueryHandler(notice_acks.on_button, pattern=pattern(notice_views.PREFIX))
    )
    # Last among buttons: anything no pattern above matched is an expired button.
    app.add_handler(CallbackQueryHandler(on_expired_button))

    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.on_group_migrated))
    # Only messages starting with 报修 / #报修 / repair; other group chat is never answered.
    app.add_handler(MessageHandler(repairs.group_report_filter(), repairs_group.on_group_report))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.PHOTO, photo.on_photo))
    # Last of all: private text nothing above took gets a one-line hint of what one can do.
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, hints.on_free_text))
    app.add_error_handler(on_error)


async def _post_init(app: Application) -> None:
    assert isinstance(app, HouqinApplication)
    await publish_commands(app)
    start_rescans(app)
    start_housekeeping(app)
    log.info("Bot @%s ready", app.bot.username)
