"""A local stand-in for Telegram: the Bot API for the bot, a user API for tests and a
chat page for people, so the bot runs with no Telegram account and no internet."""

from sandbox.deeplink import parse_start_link, start_link
from sandbox.limits import FloodLimiter, LimitPolicy, ManualClock
from sandbox.people import SandboxError
from sandbox.server import SandboxServer
from sandbox.state import CallbackQuery, Chat, Message, User, World
from sandbox.userapi import UserApi

__all__ = [
    "CallbackQuery",
    "Chat",
    "FloodLimiter",
    "LimitPolicy",
    "ManualClock",
    "Message",
    "SandboxError",
    "SandboxServer",
    "User",
    "UserApi",
    "World",
    "parse_start_link",
    "start_link",
]
