"""Every word care says to a member, a reporter or the people handling a case, in one place.

These stay English on purpose (issue 15): an unreviewed crisis translation can harm. They are never wrapped in
``_()`` and ``babel.cfg`` doesn't read this package, so ``pybabel extract`` never offers them to translators;
``tests/care/test_crisis_language.py`` fails if any shipped catalog translates one of them anyway. A server
supplies its own reviewed crisis message for a language in `/setup` (``CareConfig.crisis_texts``); a member whose
Discord language matches gets that one, everyone else the English text below.

Written the way safe-messaging guidance for online communities asks: acknowledge, no judgement, no promises,
no jargon, the emergency number first.
"""

from __future__ import annotations

# --- the Report menu's "I'm worried about this person" ------------------------------------------------------

WORRIED_ELSEWHERE = (
    "**Report message** is for messages in a group's channel. If you're worried about the person who wrote this, "
    "I can let the moderators know privately: nothing is sent to them, and they won't learn it was you."
)
WORRIED_BUTTON = "I'm worried about this person"
WORRIED_THANKS = (
    "Thank you for caring about them. I've let the moderators know, privately; nothing was sent to them and they "
    "won't learn it was you. If they're in danger right now, please call your local emergency number."
)
WORRIED_ABOUT_A_BOT = "That message was written by a bot, so there's nobody to check on."
WORRIED_ABOUT_ME = (
    "That's your own message. If you'd like someone to talk to, `/care ask` reaches a person here, "
    "and `/care helplines` shows people you can call right now."
)
