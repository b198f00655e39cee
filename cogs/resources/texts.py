"""Every word the resource library says, in the reader's language (``bot/i18n.py``).

The domain's and service's refusals are named here too (no ``discord`` import). Titles, tags, links and
library names come in already escaped by the views where they are shown.
"""

from __future__ import annotations

from bot.i18n import _, command, ngettext, number

# --- names -----------------------------------------------------------------------------------------------


def server_wide() -> str:
    return _("server-wide")


# --- refusals (domain and service) -----------------------------------------------------------------------


def title_needed() -> str:
    return _("A resource needs a title: a few words saying what it is.")


def title_too_long(length: int, limit: int) -> str:
    return _("That title is %(length)s characters; keep it to %(limit)s or fewer.", length=length, limit=limit)


def description_too_long(length: int, limit: int) -> str:
    return _("The description is %(length)s characters; keep it to %(limit)s or fewer.", length=length, limit=limit)


def link_too_long(length: int, limit: int) -> str:
    return _("That link is %(length)s characters; links can be at most %(limit)s.", length=length, limit=limit)


def not_a_link() -> str:
    return _("That doesn't look like a web address. Paste a full link starting with https://.")


def web_links_only() -> str:
    return _("Only web links (starting with https:// or http://) can be saved as resources.")


def link_with_login() -> str:
    return _("That link contains a user name or password. Remove it (the part before @) so nobody's login is shared.")


def link_with_spaces() -> str:
    return _("A link can't contain spaces. Paste it again without them.")


def bad_tag(limit: int) -> str:
    return _(
        "Tags are single words of letters and digits (hyphens allowed, up to %(limit)s characters), separated by "
        "commas, e.g. `sleep, breathing, self-care`.",
        limit=limit,
    )


def too_many_tags(limit: int) -> str:
    return ngettext("Use at most %(count)s tag.", "Use at most %(count)s tags.", limit)


def no_such_group(name: str) -> str:
    return _(
        "There is no group called %(name)s here. %(command)s shows the groups.",
        name=name,
        command=command("group list"),
    )


def members_only(name: str) -> str:
    return _(
        "The library of **%(name)s** is for its members. Join with %(command)s.",
        name=name,
        command=command("group join"),
    )


def server_wide_admins_only() -> str:
    return _("Only server admins can add to the server-wide library. Add it to your group instead.")


def duplicate_race(title: str) -> str:
    return _("There is already a resource called **%(title)s** in this library.", title=title)


def duplicate(library: str, title: str, *, waiting: bool) -> str:
    if waiting:
        return _(
            "**%(library)s** already has a resource called **%(title)s** (it is waiting for a facilitator's "
            "approval). Choose another title, or edit that one with %(command)s.",
            library=library,
            title=title,
            command=command("resource edit"),
        )
    return _(
        "**%(library)s** already has a resource called **%(title)s**. Choose another title, or edit that one with "
        "%(command)s.",
        library=library,
        title=title,
        command=command("resource edit"),
    )


def search_words_needed() -> str:
    return _("Type a few words to search for, e.g. `sleep` or `breathing exercise`.")


def resource_not_found() -> str:
    return _("I can't find that resource. Start typing its title and pick it from the list.")


def only_author_or_facilitator_changes() -> str:
    return _("Only the person who added a resource, or a facilitator, can change it.")


def only_facilitators_pin() -> str:
    return _("Only facilitators can pin resources to the start-here list.")


def approve_before_pinning() -> str:
    return _("Approve this suggestion before pinning it.")


def start_here_full(limit: int) -> str:
    return ngettext(
        "The start-here list holds %(count)s resource. Unpin it first (%(command)s with `pinned:False`).",
        "The start-here list holds %(count)s resources. Unpin one first (%(command)s with `pinned:False`).",
        limit,
        command=command("resource edit"),
    )


def only_author_or_facilitator_removes() -> str:
    return _("Only the person who added a resource, or a facilitator, can remove it.")


def already_reviewed() -> str:
    return _("That suggestion was already reviewed or removed.")


def only_facilitators_review() -> str:
    return _("Only facilitators of this group can review suggestions.")


def resource_removed() -> str:
    return _("That resource was removed.")


def own_vote() -> str:
    return _("You added this one: votes are for others to say it helped them.")


# --- replies (cog and views) -----------------------------------------------------------------------------


def suggested(title: str, library: str) -> str:
    return _(
        "Thanks! **%(title)s** is suggested for **%(library)s**. A facilitator will review it (they see "
        "suggestions in %(command)s); until then only they can see it.",
        title=title,
        library=library,
        command=command("resource list"),
    )


def added(title: str, library: str) -> str:
    return _(
        "Added **%(title)s** to the library of **%(library)s**. Members find it with %(command)s.",
        title=title,
        library=library,
        command=command("resource search"),
    )


def nothing_found() -> str:
    return _(
        "Nothing found for that. Try fewer or other words, or browse with %(command)s.",
        command=command("resource list"),
    )


def found_heading() -> str:
    return _("**Resources found**, best first:")


def found_footer() -> str:
    return _("Did one help? Press its number below.")


def start_here() -> str:
    return _("📌 **Start here**")


def most_helpful() -> str:
    return _("**Most helpful**")


def resources_heading() -> str:
    return _("**Resources**")


def waiting_for_review() -> str:
    return _("**Suggestions waiting for your review**")


def empty_library(library: str) -> str:
    return _(
        "The library of **%(library)s** is empty so far. Add the first with %(command)s.",
        library=library,
        command=command("resource add"),
    )


def library_heading(library: str) -> str:
    return _("**Library of %(library)s**", library=library)


def nothing_to_change() -> str:
    return _("Nothing to change: add at least one option, e.g. `title` or `pinned`.")


def saved(line: str) -> str:
    return _("Saved.\n%(resource)s", resource=line)


def removed(title: str, library: str) -> str:
    return _("Removed **%(title)s** from the library of **%(library)s**.", title=title, library=library)


def suggestions_on(name: str) -> str:
    return _(
        "Members' additions to **%(name)s**'s library now wait for a facilitator (%(command)s).",
        name=name,
        command=command("resource list"),
    )


def suggestions_off(name: str) -> str:
    return _("Members of **%(name)s** now add to its library directly.", name=name)


def link_too_long_to_list(domain: str) -> str:
    return _(
        "%(domain)s (link too long to list: %(command)s shows it to its author)",
        domain=domain,
        command=command("resource edit"),
    )


def found_helpful(n: int) -> str:
    return ngettext("%(count)s found it helpful", "%(count)s found it helpful", n, count=number(n))


def and_more(n: int) -> str:
    return ngettext("…and %(count)s more.", "…and %(count)s more.", n, count=number(n))


def and_more_narrow(n: int) -> str:
    return ngettext(
        "…and %(count)s more: narrow your search.", "…and %(count)s more: narrow your search.", n, count=number(n)
    )


def helped_button(n: int) -> str:
    return _("%(number)s helped me", number=n) if n else _("Helped me")


def approve_button(n: int) -> str:
    return _("Approve %(number)s", number=n) if n else _("Approve")


def decline_button(n: int) -> str:
    return _("Decline %(number)s", number=n) if n else _("Decline")


def vote_counted(helpful: int) -> str:
    return _("Thanks: marked as helpful (%(count)s so far). Press again to take it back.", count=number(helpful))


def vote_taken_back(helpful: int) -> str:
    return _("Took your helpful vote back (%(count)s now).", count=number(helpful))


def approved(library: str, title: str) -> str:
    return _("Approved: it is now in the library of **%(library)s**: **%(title)s**.", library=library, title=title)


def declined(library: str, title: str) -> str:
    return _("Declined and removed from the library of **%(library)s**: **%(title)s**.", library=library, title=title)


# --- the "Save as resource" form -------------------------------------------------------------------------


def save_title() -> str:
    return _("Save as resource")


def field_title() -> str:
    return _("Title")


def field_title_hint() -> str:
    return _("A few words saying what it is")


def field_link() -> str:
    return _("Link (optional)")


def field_description() -> str:
    return _("Description")


def field_tags() -> str:
    return _("Tags (optional)")


def field_tags_hint() -> str:
    return _("e.g. sleep, breathing")
