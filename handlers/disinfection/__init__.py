"""消毒打卡: the private confirmation flow, UV sessions, the board tap and epidemic mode.

- `conversation`: room → method → (concentration / late-entry reason) → recorded;
- `rooms`: the room picker and the checks shared by every step;
- `uv`: ending or aborting a UV lamp session;
- `board`: a tap on the staff group's live board continues in private chat;
- `epidemic`: `/epidemic` switches two rounds a day on or off.

The texts and cards live in `bot.views.disinfection`, shared with the jobs.
"""
