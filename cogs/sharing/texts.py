"""Every word anonymous sharing says, in the reader's language (``bot/i18n.py``).

The only place sharing holds display text: the domain, service, cog and views name a text here. No
``discord`` import, so the domain's and service's refusals are written here too. A member's own words
are never in here: they are relayed exactly as written. What goes to the group's channel (the post's
frame, the reply thread's name) is built inside ``i18n.using(server_language(...))`` by the cog.
"""

from __future__ import annotations

from bot.i18n import _, command, ngettext, number, pgettext

# --- the form and the buttons ------------------------------------------------------------------------------


def form_title(group: str, reply: bool) -> str:
    if reply:
        return _("Reply anonymously")
    return _("Share anonymously in %(group)s", group=group)


def form_label(reply: bool) -> str:
    return _("Your reply") if reply else _("What you'd like to share")


def form_placeholder() -> str:
    return _("Posted as an anonymous member. Nobody, moderators included, sees it was you.")


def warning_label() -> str:
    return _("Content warning (optional)")


def warning_placeholder() -> str:
    return _("e.g. grief, self-harm: your post is then hidden behind a spoiler")


def reply_button() -> str:
    return _("Reply anonymously")


def report_button() -> str:
    return _("Report")


def delete_button(position: int | None = None) -> str:
    if position is None:
        return _("Delete")
    return _("Delete %(number)s", number=position)


def delete_sure_button() -> str:
    return _("Yes, delete it")


# --- the post as the channel sees it (the server's language) ------------------------------------------------


def author_label(label: str | None, op_label: str) -> str:
    """The stored thread label ("OP", "Anonymous 2") as the channel reads it."""
    if label is None:
        return _("Anonymous member")
    if label == op_label:
        return _("Anonymous member (OP)")
    head, _space, tail = label.rpartition(" ")
    if head == "Anonymous" and tail.isdigit():
        return _("Anonymous %(number)s", number=int(tail))
    return label


def content_warning(warning: str) -> str:
    return _(
        "**Content warning:** %(warning)s\nThe post is hidden: click the blurred text to read it.", warning=warning
    )


def post_footer(code: str) -> str:
    return _("Post %(code)s · reply anonymously or report with the buttons below", code=code)


def thread_name(code: str) -> str:
    return _("Anonymous replies · %(code)s", code=code)


# --- confirmations to the author -----------------------------------------------------------------------------


def held(group: str, reply: bool) -> str:
    if reply:
        text = _(
            "Thanks. **%(group)s** asks a moderator to approve anonymous posts first, so your reply is waiting "
            "for review. Moderators see the text, never who wrote it. **Delete** below withdraws it; %(command)s "
            "finds it again later.",
            group=group,
            command=mine_command(),
        )
    else:
        text = _(
            "Thanks. **%(group)s** asks a moderator to approve anonymous posts first, so your post is waiting "
            "for review. Moderators see the text, never who wrote it. **Delete** below withdraws it; %(command)s "
            "finds it again later.",
            group=group,
            command=mine_command(),
        )
    return text


def posted(link: str, reply: bool) -> str:
    if reply:
        text = _(
            "Posted anonymously: %(link)s\nNobody, moderators included, can see that it was you. Changed your "
            "mind? **Delete** below removes this reply; %(command)s finds it again later.",
            link=link,
            command=mine_command(),
        )
    else:
        text = _(
            "Posted anonymously: %(link)s\nNobody, moderators included, can see that it was you. Changed your "
            "mind? **Delete** below removes this post; %(command)s finds it again later.",
            link=link,
            command=mine_command(),
        )
    return text


def mine_command() -> str:
    """``/share mine:True``: the option's name as the reader's client shows it."""
    return _("%(command)s with `%(option)s: True`", command=command("share"), option=pgettext("command name", "mine"))


def deleted_code(code: str) -> str:
    return _("Deleted your anonymous post `%(code)s`. Replies to it stay in their thread.", code=code)


def deleted() -> str:
    return _("Deleted your anonymous post. Replies to it stay in their thread.")


def delete_sure() -> str:
    return _(
        "Delete this anonymous post for good? Its words go from the channel and from Hearth; replies to it stay "
        "in their thread."
    )


# --- /share mine ---------------------------------------------------------------------------------------------


def mine_none() -> str:
    return _("You have no anonymous posts in this server (deleted and expired ones go).")


def mine_heading() -> str:
    return _("**Your anonymous posts here** (only you see this list; nobody else can tell they are yours):")


def mine_line(position: int, when: str, group: str, reply: bool, excerpt: str, where: str | None) -> str:
    kind = _("reply") if reply else _("post")
    place = where if where is not None else _("waiting for review")
    # The excerpt is the reader's own words, quoted back only to them.
    return f"{position}. {when} · {group} · {kind} · “{excerpt}” · {place}"


def mine_more(count: int) -> str:
    return ngettext(
        "…and %(count)s older one. Delete some of these to see the rest.",
        "…and %(count)s older ones. Delete some of these to see the rest.",
        count,
    )


def some_group() -> str:
    return _("a group")


# --- refusals ---------------------------------------------------------------------------------------------


def empty_post() -> str:
    return _("Your post is empty: write something to share, then send it again.")


def too_long(length: int, limit: int, with_warning: bool) -> str:
    if with_warning:
        return _(
            "Your post is %(length)s characters; the limit with a content warning is %(limit)s. Shorten it (or "
            "split it into two posts) and send it again.",
            length=number(length),
            limit=number(limit),
        )
    return _(
        "Your post is %(length)s characters; the limit is %(limit)s. Shorten it (or split it into two posts) "
        "and send it again.",
        length=number(length),
        limit=number(limit),
    )


def warning_too_long(limit: int) -> str:
    return _("Keep the content warning to %(limit)s characters, e.g. 'grief' or 'self-harm'.", limit=limit)


def wait(minutes: int) -> str:
    return ngettext("about a minute", "about %(count)s minutes", minutes)


def rate_limited(limit: int, minutes: int) -> str:
    return ngettext(
        "You've reached the limit of %(count)s anonymous post an hour. You can post again in %(wait)s; "
        "nothing you wrote was sent.",
        "You've reached the limit of %(count)s anonymous posts an hour. You can post again in %(wait)s; "
        "nothing you wrote was sent.",
        limit,
        wait=wait(minutes),
    )


def no_reviewers(group: str) -> str:
    return _(
        "Anonymous posts in **%(group)s** wait for a moderator's approval, and moderation isn't running on this "
        "server right now, so nobody could review yours. Nothing was posted or kept. If you'd like, let a "
        "facilitator or server admin know.",
        group=group,
    )


def blocked() -> str:
    return _(
        "You can't post anonymously in this server at the moment. If you think this is a mistake, you can talk "
        "to the server's moderators."
    )


def sharing_off() -> str:
    return _(
        "Anonymous sharing is turned off in this server. A server admin can turn it on in %(command)s.",
        command=command("setup"),
    )


def group_gone() -> str:
    return _("That group no longer exists.")


def no_channel_yet(group: str) -> str:
    return _("**%(group)s** has no channel to post in yet; ask a facilitator to set one.", group=group)


def post_unavailable() -> str:
    return _("This anonymous post is no longer available (it was removed or has expired).")


def conversation_closed() -> str:
    return _("This conversation is closed: the post it belongs to was removed or has expired.")


def not_a_code(typed: str, length: int) -> str:
    return _(
        "%(typed)s is not a post code. Codes are %(length)s letters and digits, as shown in the confirmation "
        "you got when you posted.",
        typed=repr(typed),
        length=length,
    )


def no_such_code(code: str) -> str:
    return _("There is no anonymous post with the code %(code)s in this server (any more).", code=code)


def already_gone() -> str:
    return _("That anonymous post is already gone (deleted, or past its keeping time).")


def not_yours() -> str:
    return _(
        "Only the person who wrote this post can delete it. Hearth can't tell anyone who that is; if the post "
        "breaks the rules, use its Report button instead."
    )


def no_reporting() -> str:
    return _("Reporting isn't available on this server yet. Please tell a moderator.")


def not_removed_from_discord() -> str:
    return _(
        "I erased the words of your post from Hearth, but Discord didn't remove the message just now. Press its "
        "**Report** button (or ask a moderator) and it will be taken down."
    )


def channel_gone() -> str:
    return _("The group's channel (or the post's thread) no longer exists; ask a facilitator.")


def discord_refused() -> str:
    return _(
        "Discord didn't accept your post just now, so nothing was posted and nothing was kept. Please try again "
        "in a moment."
    )


def no_channel() -> str:
    return _("This group has no channel to post in; ask a facilitator to set one.")


def not_a_text_channel() -> str:
    return _("This group's channel can't hold messages; ask a facilitator to pick a text channel.")


def replies_need_text_channel() -> str:
    return _("Replies need a text channel; ask a facilitator to move the group.")


# --- /setup ----------------------------------------------------------------------------------------------------


def on_off(value: bool) -> str:
    return _("on") if value else _("off")


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def setup_sharing(on: bool) -> str:
    return _("Anonymous sharing: %(value)s", value=on_off(on))


def setup_approval(on: bool) -> str:
    return _("Anonymous posts need moderator approval by default: %(value)s", value=yes_no(on))


def setup_break_glass(on: bool) -> str:
    return _("Break-glass (the owner may reveal an anonymous author, audited): %(value)s", value=on_off(on))


def break_glass_owner_only() -> str:
    return _(
        "Only the server owner can turn break-glass on or off: it decides whether anonymous authors can ever be "
        "revealed."
    )


def break_glass_off(deleted_count: int) -> str:
    return ngettext(
        "Break-glass is off: %(count)s stored author identity was deleted.",
        "Break-glass is off: %(count)s stored author identities were deleted.",
        deleted_count,
    )
