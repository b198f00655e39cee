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

# --- the crisis message and what follows a choice -------------------------------------------------------

ACKNOWLEDGE = (
    "Thank you for putting that into words. It sounds like things are really hard right now, "
    "and you don't have to carry this on your own."
)

ACKNOWLEDGE_LOW = "Thank you for checking in. It sounds like today is a really hard one, and that's okay to say here."

CHOICES_PROMPT = "What would help right now? Only you can see this message, and whatever you pick is up to you."

DISCLOSURE = (
    "Why you're seeing this: Hearth looks for words that can mean someone is struggling in what members "
    "write here, and then shows the writer a private message like this one. Nobody else is told unless "
    "you choose it{duty}. You can turn these messages off with `/care off`."
)

DUTY_CLAUSE = ", or the server has duty-of-care mode on (see above)"

DUTY_NOTICE = (
    "This server has chosen duty-of-care mode, so I've let {who} know that someone in **{group}** may be "
    "having a hard time. They'll see the group and that it may be urgent; they won't see what you wrote."
)

DUTY_NOTICE_ANONYMOUS = (
    "This server has chosen duty-of-care mode, so I've let {who} know that someone in **{group}** may be "
    "having a hard time. They won't learn who you are or see anything you didn't post; they can write to you "
    "through Hearth, and you decide whether to answer."
)

ASKED = (
    "Thank you for letting us know. I've asked {who} to reach out to you. As soon as one of them says they "
    "will, I'll tell you who it is{how}. If you're in danger before then, please don't wait: call your local "
    "emergency number."
)

ASKED_ANONYMOUS_HOW = ", by a direct message from Hearth; they won't learn who you are unless you tell them"

ASKED_NAMED_HOW = " by a direct message from Hearth"

OKAY_REPLY = (
    "Okay. Thank you for letting me know. If that changes, `/care ask` reaches a person here at any time, "
    "and `/care helplines` shows the helplines."
)

NOBODY_FREE = (
    "I'm sorry this is taking a while: nobody here has been free to reach out yet, so I've asked the moderators "
    "too. You haven't been forgotten. In the meantime, these are people you can talk to right now:\n\n{resources}"
)

# When nobody at all could be messaged (no facilitator's DMs open, no moderator queue): never claim we asked.
NOBODY_REACHED = (
    "I'm sorry: I couldn't reach anyone here just now. Your request stays open, and the people who look after "
    "this server will see it in their list of open requests; I'll tell you when someone picks it up. Please "
    "don't wait for us if you're in danger. These are people you can talk to right now:\n\n{resources}"
)
DUTY_NOBODY_REACHED = (
    "This server has chosen duty-of-care mode, so I tried to let the people who look after it know that someone "
    "may be having a hard time, but I couldn't reach anyone just now. The helplines below are there right now."
)
UNREACHED_WHO = (
    "the people who look after this server (I couldn't message anyone just now, so they'll find it in their list "
    "of open requests)"
)

# The person who had the case left, lost the role, or erased their data: nothing the member did.
HANDED_BACK = (
    "The person who was going to reach out to you isn't able to any more. That's about their situation, not "
    "about you. I've asked the moderators so someone else can be there for you. In the meantime, these are "
    "people you can talk to right now:\n\n{resources}"
)

HANDED_BACK_CARD = "The person who had this stepped away, so it's open again: the member is still waiting."

CLAIMED = "**{owner}** from **{guild}** has seen your request and will reach out to you. 💛"

CLAIMED_ANONYMOUS = (
    "Someone from **{guild}** ({owner}) has seen your request and would like to talk. They don't know who you "
    "are. They'll write to you through Hearth; press **Answer** under their message to reply, or don't, if "
    "you'd rather not. You can also close this at any time."
)

RELAYED_TO_MEMBER = "**{owner}** from **{guild}** wrote to you (they don't know who you are):\n>>> {text}"

RELAYED_TO_OWNER = "The member you're supporting (case #{case}) answered:\n>>> {text}"

MEMBER_CLOSED = "Thank you for letting us know. I've closed this; `/care ask` is here if you need someone again."

REACH_OUT_TEMPLATE = (
    "Hi, I'm one of the people who look after this server. I saw something that made me want to check "
    "in on you. How are you doing? There's no pressure to answer, and I'm here if you'd like to talk."
)

ALREADY_TAKEN = "Someone already has your request: "
ALREADY_ASKED = "You've already asked, and {owner} is reaching out to you. You don't need to ask again."
HANDLER_CLOSED = (
    "The person who reached out to you has marked this as done. If you need someone again, `/care ask` is here "
    "any time, and so is `/care helplines`."
)
CONVERSATION_CLOSED = (
    "This conversation has been closed, so your words weren't sent. If you'd like someone to talk to again, "
    "`/care ask` reaches a person here, and `/care helplines` shows people you can call right now."
)
ANSWER_NOT_PASSED_ON = (
    "I couldn't pass that on just now (their messages are closed). Your words weren't kept. "
    "If you need someone right away, the helplines are always there: `/care helplines`."
)
ANSWER_SENT = "Sent. They'll see it in their messages from Hearth."
TURNED_OFF = (
    "Done: I won't send those messages automatically any more. `/care ask` and `/care helplines` still "
    "work whenever you want them, and `/care on` brings the messages back."
)
TURNED_ON = "Done: they're back on."

#: The member pressed a choice whose offer is gone (they erased their data, or it expired after a day).
OFFER_GONE = (
    "That choice has expired: your data was erased, or it's been a while. Nothing was sent. If you'd like someone "
    "here to reach out, `/care ask` does it any time, and `/care helplines` shows people you can call right now."
)


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
