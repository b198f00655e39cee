"""Discord-side plumbing shared by every cog: replies, the command tree and its single error handler.

Every interaction passes through ``install``'s two hooks before any feature sees it:
- its text is normalised (``bot/text.py``): every string option and every form value;
- its response is guarded (``GuardedResponse``): every reply is fitted to Discord's limits; it is
  deferred before a write transaction starts (a lock may hold it longer than Discord waits), and a
  watchdog defers it when the feature has not answered within ``DEFER_AFTER`` seconds (a slow REST
  call), so Discord's three-second window never passes unanswered. A command that opens a form
  therefore must only read before the form opens (a write first makes it ``FormTooLate``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord
from discord import app_commands
from sqlalchemy import exc as sa_exc

from bot import outcome, texts
from bot.actor import Actor
from bot.audience import Audience, audience_of
from bot.errors import BadInput, BotMissingPermissions, HearthError, NotAllowed, Transient
from bot.text import clean, clip, shorten

log = logging.getLogger("hearth.errors")

NO_MENTIONS = discord.AllowedMentions.none()

# --- Discord's limits, and fitting a reply into them --------------------------------------------------

CONTENT_LIMIT = 2000
EMBED_TOTAL_LIMIT = 6000
_EMBED_FIELD_LIMITS = {"title": 256, "description": 4096}
_FIELD_NAME_LIMIT, _FIELD_VALUE_LIMIT, _FIELDS_LIMIT = 256, 1024, 25
_FOOTER_LIMIT, _AUTHOR_LIMIT, _EMBEDS_LIMIT = 2048, 256, 10
_LABEL_LIMIT, _PLACEHOLDER_LIMIT, _OPTION_TEXT_LIMIT = 80, 150, 100


def fit_content(content: str | None) -> str | None:
    return None if content is None else clip(content, CONTENT_LIMIT)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Cut an embed (in place) to Discord's per-part limits and its 6,000-character total."""
    for attribute, limit in _EMBED_FIELD_LIMITS.items():
        value = getattr(embed, attribute)
        if value:
            setattr(embed, attribute, clip(str(value), limit))
    if len(embed.fields) > _FIELDS_LIMIT:
        for index in range(len(embed.fields) - 1, _FIELDS_LIMIT - 1, -1):
            embed.remove_field(index)
    for index, field in enumerate(embed.fields):
        embed.set_field_at(
            index,
            name=clip(str(field.name), _FIELD_NAME_LIMIT) or "\u200b",
            value=clip(str(field.value), _FIELD_VALUE_LIMIT) or "\u200b",
            inline=bool(field.inline),
        )
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, _FOOTER_LIMIT), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(
            name=clip(embed.author.name, _AUTHOR_LIMIT), url=embed.author.url, icon_url=embed.author.icon_url
        )
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.description:
        embed.description = clip(embed.description, max(len(embed.description) - (len(embed) - EMBED_TOTAL_LIMIT), 1))
    return embed


def fit_view(view: discord.ui.View | None) -> None:
    """Cut button labels, select placeholders and option texts to Discord's limits (in place)."""
    if not isinstance(view, discord.ui.View):
        return
    for item in view.walk_children():
        if isinstance(item, discord.ui.Button) and item.label:
            item.label = clip(item.label, _LABEL_LIMIT)
        elif isinstance(item, discord.ui.Select):
            if item.placeholder:
                item.placeholder = clip(item.placeholder, _PLACEHOLDER_LIMIT)
            for option in item.options:
                option.label = clip(option.label, _OPTION_TEXT_LIMIT)
                if option.description:
                    option.description = clip(option.description, _OPTION_TEXT_LIMIT)


def fit(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Fit a send/edit call's ``content``, ``embed(s)`` and ``view`` to Discord's limits (in place)."""
    if isinstance(kwargs.get("content"), str):
        kwargs["content"] = fit_content(kwargs["content"])
    if isinstance(kwargs.get("embed"), discord.Embed):
        fit_embed(kwargs["embed"])
    if isinstance(kwargs.get("embeds"), list):
        kwargs["embeds"] = [fit_embed(e) for e in kwargs["embeds"][:_EMBEDS_LIMIT]]
        total = 0
        for index, embed in enumerate(kwargs["embeds"]):  # the 6,000 total covers all embeds of a message
            total += len(embed)
            if total > EMBED_TOTAL_LIMIT:
                kwargs["embeds"] = kwargs["embeds"][:index] or kwargs["embeds"][:1]
                break
    fit_view(kwargs.get("view"))
    return kwargs


async def reply(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Answer ephemerally by default, as a followup when the interaction was already answered;
    always within Discord's limits."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    kwargs = fit({"content": content, **kwargs})
    content = kwargs.pop("content")
    outcome.note_spoke()
    if interaction.response.is_done():
        await interaction.followup.send(content or "", **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


# --- every interaction: normalised text, a guarded response ------------------------------------------

# A feature that has not answered after this long is deferred for it (Discord allows three seconds;
# the defer itself needs time to travel).
DEFER_AFTER = 1.0


def normalise_payload(data: Any) -> None:
    """Clean (``bot/text.py``) every string option (type 3) and every text input value (type 4) of
    an interaction's ``data``, in place, before discord.py parses it."""
    if isinstance(data, list):
        for item in data:
            normalise_payload(item)
        return
    if not isinstance(data, dict):
        return
    if data.get("type") in (3, 4) and isinstance(data.get("value"), str):
        data["value"] = clean(data["value"])
    for key in ("options", "components", "component"):
        if key in data:
            normalise_payload(data[key])


class FormTooLate(HearthError):
    """A form could not open because the interaction had to be deferred first."""

    def __init__(self) -> None:
        super().__init__(texts.form_too_late())


class GuardedResponse(discord.InteractionResponse):
    """``interaction.response`` for every Hearth interaction: fits replies to Discord's limits, and
    keeps working after the watchdog deferred (a reply becomes a followup, an edit edits the original).
    One lock orders the watchdog's defer and the feature's own answer, so they never both answer."""

    def __init__(self, parent: discord.Interaction) -> None:
        super().__init__(parent)
        self._answer_lock = asyncio.Lock()
        self._watchdog: asyncio.TimerHandle | None = None
        self.auto_deferred = False

    def start_watchdog(self, delay: float) -> None:
        # A plain timer, not a sleeping task: the same on Discord, and SimCord (which parks sleeping
        # tasks on its virtual clock) lets it fire on the wall clock, as a slow database would.
        loop = asyncio.get_running_loop()
        self._watchdog = loop.call_later(delay, lambda: loop.create_task(self._defer_now(), name="hearth-defer"))

    def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    async def _defer_now(self) -> None:
        self._watchdog = None
        await self.defer_if_unanswered()

    async def before_write(self, contended: bool) -> None:
        """Before a write transaction: a command or form always defers (privately "thinking…"), as
        the lock may be held elsewhere; a button only when another write is in progress here, since
        its deferral changes nothing the member sees and the watchdog still covers the rest."""
        parent = self._parent
        if contended or parent.type is discord.InteractionType.application_command or parent.message is None:
            await self.defer_if_unanswered()

    async def defer_if_unanswered(self) -> None:
        """Defer unless answered: privately "thinking…" for a command or form, silently for a button."""
        self._stop_watchdog()
        async with self._answer_lock:
            if self.is_done():
                return
            parent = self._parent
            try:
                if parent.type is discord.InteractionType.component or (
                    parent.type is discord.InteractionType.modal_submit and parent.message is not None
                ):
                    await super().defer()  # an update of the message the button is on: nothing shown
                else:
                    await super().defer(ephemeral=True, thinking=True)
            except discord.HTTPException as error:
                log.warning("could not defer interaction %s: %s", parent.id, error.status)
                return
            self.auto_deferred = True

    async def defer(self, **kwargs: Any) -> Any:
        self._stop_watchdog()
        async with self._answer_lock:
            if self.is_done():
                return None  # the watchdog deferred already; what follows works the same
            return await super().defer(**kwargs)

    async def send_message(self, content: Any = None, **kwargs: Any) -> Any:
        self._stop_watchdog()
        outcome.note_spoke()
        kwargs = fit({"content": None if content is None else str(content), **kwargs})
        content = kwargs.pop("content")
        async with self._answer_lock:
            if not self.is_done():
                return await super().send_message(content, **kwargs)
        kwargs.pop("delete_after", None)
        kwargs.setdefault("ephemeral", True)  # after an ephemeral "thinking…" only a private answer fits
        return await self._parent.followup.send(content or "", **kwargs)

    async def edit_message(self, **kwargs: Any) -> Any:
        self._stop_watchdog()
        outcome.note_spoke()
        kwargs = fit(kwargs)
        async with self._answer_lock:
            if not self.is_done():
                return await super().edit_message(**kwargs)
        for unsupported in ("delete_after", "suppress_embeds"):
            kwargs.pop(unsupported, None)
        return await self._parent.edit_original_response(**kwargs)

    async def send_modal(self, modal: discord.ui.Modal, /) -> Any:
        self._stop_watchdog()
        outcome.note_spoke()
        async with self._answer_lock:
            if self.is_done():
                raise FormTooLate()
            return await super().send_modal(modal)


class DiscordTimeout(discord.DiscordServerError):
    """A REST call that timed out or lost its connection. Its outcome on Discord is unknown, as after
    a 502/504, so it is one: every ``except discord.HTTPException`` that undoes a write or falls back
    treats it like Discord failing, instead of a bare ``TimeoutError`` slipping past and leaving a
    database row without its Discord side."""

    def __init__(self) -> None:
        super().__init__(_TimedOutResponse(), {"message": "Discord did not answer in time", "code": 0})


class _TimedOutResponse:
    """What discord.py's ``HTTPException`` reads from a response, for one that never came."""

    status = 504
    reason = "Gateway Timeout"


def rest_timeouts_as_errors(http: Any) -> None:
    """Make the bot's REST client raise ``DiscordTimeout`` for a timeout or a lost connection, and
    note in the interaction's outcome any call that changes something on Discord (idempotent;
    re-applied when the client was replaced, as after a reconnect or in tests)."""
    request = http.request
    if getattr(request, "hearth_timeouts", False):
        return

    async def converting(route: Any, **kwargs: Any) -> Any:
        if route.method != "GET":
            outcome.note_spoke()
        try:
            return await request(route, **kwargs)
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            raise DiscordTimeout() from error

    converting.hearth_timeouts = True  # type: ignore[attr-defined]
    http.request = converting


def guard(interaction: discord.Interaction, defer_after: float | None = DEFER_AFTER) -> None:
    """Give the interaction a ``GuardedResponse`` before any feature code runs (called synchronously
    when discord.py dispatches it). Autocomplete answers with choices only, so it is left alone."""
    if interaction.type is discord.InteractionType.autocomplete:
        return
    rest_timeouts_as_errors(interaction.client.http)
    if isinstance(getattr(interaction, "_cs_response", None), GuardedResponse):
        return
    response = GuardedResponse(interaction)
    # discord.py caches ``Interaction.response`` in this slot; filling it first makes ours the one used.
    interaction._cs_response = response  # type: ignore[attr-defined]
    current = outcome.current()
    if current is not None:  # a write transaction may wait on a lock: answer before it starts
        current.before_wait = response.before_write
    if defer_after is not None:
        response.start_watchdog(defer_after)


# Discord accepts up to 6,000 characters in a string option that declares no maximum. Options that
# name something from a list (autocomplete) are short; free text gets room for a sentence or two.
NAME_OPTION_MAX = 100
TEXT_OPTION_MAX = 300


def declare_limits(tree: app_commands.CommandTree[Any]) -> list[str]:
    """Give every string option without a declared ``max_length`` a default one, so Discord refuses
    over-long input before it reaches Hearth; a feature's own declaration (``Range``) wins. Returns
    the integer and number options that still declare no bounds (a test keeps that list empty)."""
    unbounded: list[str] = []
    for command in tree.walk_commands():
        if not isinstance(command, app_commands.Command):
            continue
        for parameter in command._params.values():  # discord.py exposes them read-only elsewhere
            kind = parameter.type
            # For a string option discord.py sends min_value/max_value as min_length/max_length.
            if kind is discord.AppCommandOptionType.string and parameter.max_value is None and not parameter.choices:
                parameter.max_value = NAME_OPTION_MAX if parameter.autocomplete else TEXT_OPTION_MAX
            elif (
                kind in (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number)
                and not parameter.choices
                and (parameter.min_value is None or parameter.max_value is None)
            ):
                unbounded.append(f"/{command.qualified_name} {parameter.name}")
    return unbounded


def install(client: discord.Client) -> None:
    """Normalise every interaction's text before discord.py parses it, open the ``Outcome``
    (bot/outcome.py) that every task started for it shares, and turn REST timeouts into errors."""
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    original = parsers["INTERACTION_CREATE"]
    if getattr(original, "hearth_installed", False):
        return

    def parse_interaction_create(data: Any) -> None:
        normalise_payload(data.get("data"))
        token = outcome.begin()
        try:
            original(data)
        finally:
            outcome.end(token)

    parse_interaction_create.hearth_installed = True  # type: ignore[attr-defined]
    parsers["INTERACTION_CREATE"] = parse_interaction_create
    rest_timeouts_as_errors(client.http)


def actor_of(interaction: discord.Interaction) -> Actor:
    """The acting member as ids; refuses use outside a server."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        raise BadInput(texts.server_only())
    guild = interaction.guild
    is_owner = guild is not None and guild.owner_id == member.id
    return Actor(
        guild_id=interaction.guild_id,
        user_id=member.id,
        role_ids=frozenset(role.id for role in member.roles),
        is_admin=is_owner or member.guild_permissions.manage_guild,
    )


# PostgreSQL SQLSTATEs that mean "try again": serialisation failure, deadlock, lock not available,
# shutdown/starting up, too many connections; class 08 is any connection failure.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}
_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "database is busy")


def _sqlstate(error: BaseException) -> str | None:
    for candidate in (error, getattr(error, "orig", None), getattr(getattr(error, "orig", None), "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_busy_database(error: BaseException) -> bool:
    """A busy or locked database, a lost connection to it, or no pooled connection free in time."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        code = _sqlstate(error)
        if code is not None:
            return code in _TRANSIENT_SQLSTATES or code.startswith("08")
        reason = str(error.orig).lower()
        return isinstance(error, sa_exc.OperationalError) and any(text in reason for text in _TRANSIENT_SQLITE)
    return False


def is_transient(error: BaseException) -> bool:
    """Trouble that passes by itself: a busy or locked database, a lost connection, Discord's 5xx or
    rate limit, a timeout. The member is asked to try again; no bug report."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, Transient):
        return True
    if isinstance(error, (discord.DiscordServerError, discord.RateLimited, discord.ConnectionClosed)):
        return True
    if isinstance(error, discord.GatewayNotFound):
        return True
    if isinstance(error, discord.HTTPException):
        return error.status == 429 or error.status >= 500
    if isinstance(error, (TimeoutError, aiohttp.ClientConnectionError, ConnectionError)):
        return True
    return is_busy_database(error)


# Seconds before each quiet retry of an interaction that met a busy database (then: "busy, try again").
RETRY_DELAYS = (0.25, 1.0)


async def retried_quietly(error: BaseException, again: Callable[[], Awaitable[None]]) -> BaseException | None:
    """Run the interaction's own handler (``again``) once more after a busy or locked database, up to
    ``len(RETRY_DELAYS)`` times with backoff, while that is safe: nothing was committed and nothing
    was sent or changed on Discord but a defer. The failed transaction rolled back, so the use case
    runs again as if for the first time. Returns the error still to report; None when a retry worked
    (or ``again`` reported its own failure, as the command tree does)."""
    current = outcome.current()
    while (
        current is not None
        and is_busy_database(error)
        and not current.saved
        and not current.spoke
        and current.retries < len(RETRY_DELAYS)
    ):
        delay = RETRY_DELAYS[current.retries]
        current.retries += 1
        log.info("busy database: trying the interaction again in %.2f s (retry %d)", delay, current.retries)
        await asyncio.sleep(delay)
        try:
            await again()
        except Exception as failure:
            error = failure
            continue
        return None
    return error


def user_message(error: BaseException) -> str | None:
    """The message for an expected error, or None when the error is a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, HearthError):
        return error.message
    if is_transient(error):
        return transient_message(saved=False)
    if isinstance(error, app_commands.BotMissingPermissions):
        return str(BotMissingPermissions(list(error.missing_permissions)))
    if isinstance(error, app_commands.MissingPermissions):
        return texts.member_missing_permissions(list(error.missing_permissions))
    if isinstance(error, (app_commands.MissingRole, app_commands.MissingAnyRole)):
        return texts.missing_role()
    if isinstance(error, app_commands.NoPrivateMessage):
        return texts.command_server_only()
    if isinstance(error, app_commands.CommandOnCooldown):
        return texts.cooldown(error.retry_after)
    if isinstance(error, app_commands.TransformerError):
        return texts.not_understood(shorten(str(error.value)))
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or texts.cannot_use_here()
    if isinstance(error, (discord.Forbidden, discord.NotFound)):
        return discord_refused_message(error, saved=False)
    return None


def discord_refused_message(error: discord.HTTPException, *, saved: bool) -> str:
    """Discord said no for good (403: a permission; 404: a channel, message or role is gone): not
    a bug and not passing, so say what an admin can check, and truthfully what was kept."""
    if isinstance(error, discord.NotFound):
        what = texts.discord_not_found()
    else:
        what = texts.discord_forbidden(shorten(error.text) if error.text else None)
    return f"{what} {texts.kept_on_refusal(saved)}"


def transient_message(*, saved: bool) -> str:
    return texts.transient(saved)


def _bug_message(reference: str, *, saved: bool) -> str:
    return texts.bug(reference, saved)


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user what happened, truthfully about what was saved; log bugs with a short reference
    code the user also sees, and transient trouble (busy database, Discord 5xx) at WARNING without one."""
    original = getattr(error, "original", error)
    current = outcome.current()
    saved = current is not None and current.saved
    command = interaction.command.qualified_name if interaction.command else "component"
    kind = "interaction_refused"  # for metrics: refused (the member can act on it), transient, or a bug
    if isinstance(original, HearthError):
        # A feature's own message: it knows what it kept (a Transient it raises says so itself).
        if isinstance(original, Transient):
            # Not the message: a feature may quote what the member typed in it.
            log.warning("transient trouble command=%s guild=%s: %s", command, interaction.guild_id, "Transient")
        message = original.message
    elif is_transient(original):
        log.warning("transient trouble command=%s guild=%s: %s", command, interaction.guild_id, type(original).__name__)
        message = transient_message(saved=saved)
        kind = "interaction_transient"
    elif isinstance(original, (discord.Forbidden, discord.NotFound)):
        # The operator can fix these (a permission, a deleted channel); Discord's code says which.
        log.warning(
            "discord refused command=%s guild=%s: %s %s", command, interaction.guild_id, original.status, original.code
        )
        message = discord_refused_message(original, saved=saved)
    elif (expected := user_message(original)) is not None:
        message = expected
    else:
        kind = "interaction_bug"
        reference = secrets.token_hex(3).upper()
        log.error(
            "unexpected error ref=%s command=%s guild=%s",
            reference,
            command,
            interaction.guild_id,
            exc_info=original,
        )
        message = _bug_message(reference, saved=saved)
    if metrics := getattr(interaction.client, "metrics", None):
        metrics.error(kind)
    try:
        await reply(interaction, message)
    except discord.HTTPException as failure:
        if interaction.response.is_done():
            log.warning("could not deliver an error message for interaction %s (%s)", interaction.id, failure.status)
            return
        try:  # e.g. the original answer was refused half-way: a followup may still get through
            await interaction.followup.send(fit_content(message) or "", ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not deliver an error message for interaction %s", interaction.id)


class HearthTree(app_commands.CommandTree[Any]):
    async def _call(self, interaction: discord.Interaction) -> None:
        started = time.perf_counter()  # real time: how long the member waited, whatever the bot's clock says
        try:
            await super()._call(interaction)
        finally:
            if metrics := getattr(self.client, "metrics", None):
                command = interaction.command.qualified_name if interaction.command else "unknown"
                metrics.interaction(command, interaction.type.name, time.perf_counter() - started)

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        # Run again, the tree reports a failure of the retry itself (through this method).
        if await retried_quietly(error, lambda: super(HearthTree, self)._call(interaction)) is not None:
            await handle_error(interaction, error)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """The server-side half of each command's declared audience (``bot/audience.py``): Discord's
        default permissions only hide a command, and a server can override them."""
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete: suggestions only; the command itself is checked when run
        command = interaction.command
        audience = audience_of(command) if command is not None else Audience.MEMBERS
        if audience is Audience.MEMBERS:
            return True
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            raise app_commands.NoPrivateMessage()
        actor = actor_of(interaction)
        client: Any = self.client
        async with client.db.read() as session:
            if await client.audiences.allows(session, actor, audience):
                return True
        # Wrapped like a command's own refusal, so on_error (and the tests) see the same NotAllowed.
        raise app_commands.CommandInvokeError(command, NotAllowed(audience.refusal))  # type: ignore[arg-type]


class HearthView(discord.ui.View):
    """A view whose errors reach the same handler as commands."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any, /) -> None:
        left = await retried_quietly(error, lambda: item.callback(interaction))
        if left is not None:
            await handle_error(interaction, left)


class HearthModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        left = await retried_quietly(error, lambda: self.on_submit(interaction))
        if left is not None:
            await handle_error(interaction, left)
