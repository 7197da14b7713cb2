"""Templates of the common notices, shipped in both languages (the catalog holds the Chinese).

A site may keep its own wording of any of them (storage.notice_templates); these are what
every site starts with.
"""

from __future__ import annotations

from bot.i18n import N_, Translate

# key → (title, body); keys are stable: sites' own versions are stored under them.
TEMPLATES: dict[str, tuple[str, str]] = {
    "drowning": (
        N_("Preventing drowning"),
        N_(
            "Dear parents,\n"
            "Summer is the season of drowning accidents. Please never leave your child alone "
            "near water: rivers, ponds, reservoirs, pools or even a bathtub.\n"
            "Teach your child: no swimming without an adult, no playing by the water, and call "
            "an adult for help instead of jumping in to rescue someone.\n"
            "Thank you for keeping our children safe."
        ),
    ),
    "traffic": (
        N_("Traffic safety"),
        N_(
            "Dear parents,\n"
            "Please hold your child's hand near roads and at the school gate, use a child seat "
            "in the car, and never let a child ride in the front seat or on an electric "
            "bike without a helmet.\n"
            "Please drop off and pick up at the gate on time and do not park in front of it."
        ),
    ),
    "epidemic": (
        N_("Preventing infectious diseases"),
        N_(
            "Dear parents,\n"
            "Hand-foot-mouth disease, flu and norovirus spread easily in this season. Please "
            "check your child each morning for fever, rash or blisters; keep a sick child at "
            "home and tell the class teacher the symptoms.\n"
            "Wash hands often, air your home and keep vaccinations up to date."
        ),
    ),
    "holiday": (
        N_("Holiday safety"),
        N_(
            "Dear parents,\n"
            "During the holiday please look after your child's safety at home and outside: "
            "water, traffic, fire, electricity, falls from windows and balconies, food "
            "hygiene and crowded places.\n"
            "Keep a regular routine, and we look forward to seeing everyone back healthy."
        ),
    ),
    "fraud": (
        N_("Beware of fraud"),
        N_(
            "Dear parents,\n"
            "The kindergarten never asks for fees, refunds or 'materials' through private "
            "messages or links, and never asks for bank details or verification codes.\n"
            "If anyone claiming to be a teacher asks for money, call the class teacher or the "
            "office to check before you pay anything."
        ),
    ),
}


def shipped_template(_: Translate, key: str) -> tuple[str, str]:
    title, body = TEMPLATES[key]
    return _(title), _(body)
