"""A minimal Discord stand-in on 127.0.0.1 for wire-level smoke tests.

It serves just enough of the REST API (under ``/api/v10``) and of the gateway websocket for a
discord.py 2.7 ``commands.Bot`` to log in, connect, receive READY + one GUILD_CREATE, sync its
application commands and answer a slash command. Everything the bot sends is recorded so tests
can assert on it. Payload shapes follow what discord.py's parsers read (state.py, guild.py,
interactions.py, message.py), not the full Discord schema.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import re
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

T = TypeVar("T")

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6

# Gateway opcodes (discord.gateway.DiscordWebSocket).
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_RESUME = 6
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Default @everyone permissions; used for the invoking member and the bot's app permissions.
DEFAULT_PERMISSIONS = "2248473465835073"

Json = dict[str, Any]


def _snowflake(offset: int = 0) -> int:
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) + offset


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py only decodes bodies whose Content-Type is exactly "application/json";
    # web.json_response would append "; charset=utf-8", so the header is set by hand.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def make_token(user_id: int) -> str:
    """A well-formed (but fake) bot token: base64url(user id) . timestamp . hmac-like part."""
    first = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
    return f"{first}.GwireS.{'x' * 27}wirestandin0123456"


@dataclass
class RecordedRequest:
    """One REST request the bot made (path is relative to /api/v10)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    authorization: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class InteractionReply:
    """What the bot said in answer to an interaction, whichever endpoint it used."""

    kind: str  # "callback", "followup" or "edit_original"
    payload: Json
    response_type: int | None = None  # only for "callback"

    @property
    def data(self) -> Json:
        if self.kind == "callback":
            return self.payload.get("data") or {}
        return self.payload

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def text(self) -> str:
        """All human-readable text: content plus embed titles, descriptions, fields, footers."""
        data = self.data
        parts: list[str] = [data.get("content") or ""]
        for embed in data.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[[RecordedRequest, dict[str, str]], Awaitable[web.Response]]


@dataclass
class StandinState:
    """Everything recorded; plain lists so tests can inspect them directly."""

    requests: list[RecordedRequest] = field(default_factory=list)
    unknown_routes: list[RecordedRequest] = field(default_factory=list)
    gateway_received: list[Json] = field(default_factory=list)
    identify: Json | None = None
    heartbeats_acked: int = 0
    # guild id (None = global) -> the command payloads the bot PUT
    synced_commands: dict[int | None, list[Json]] = field(default_factory=dict)
    replies: list[InteractionReply] = field(default_factory=list)
    channel_messages: list[Json] = field(default_factory=list)
    # Every IDENTIFY as (monotonic time, shard id, shard count); shard (0, 1) when the client is unsharded.
    identifies: list[tuple[float, int, int]] = field(default_factory=list)
    # Every RESUME that was honoured, as (shard id, session id).
    resumes: list[tuple[int, str]] = field(default_factory=list)
    # Monotonic arrival time of every REST request, and how many were answered with a global 429.
    request_times: list[float] = field(default_factory=list)
    global_429s: int = 0
    # Messages created per (channel id, nonce): a repeat with enforce_nonce returns the first message.
    nonce_hits: int = 0


class DiscordStandin:
    """A fake Discord (REST + gateway) on one free loopback port."""

    def __init__(
        self,
        *,
        reject_token: bool = False,
        heartbeat_interval_ms: int = 41_250,
        extra_guilds: int = 0,
        max_concurrency: int = 1,
        global_limit: int | None = None,
    ) -> None:
        """``extra_guilds``: more guilds beyond the first, each sent to the session of its shard
        (``(guild_id >> 22) % shard_count``); ``max_concurrency`` is what ``GET /gateway/bot`` says;
        ``global_limit``: requests per second across the whole bot (Discord's is 50) beyond which REST
        answers a global 429, as Discord does."""
        self.reject_token = reject_token
        self.global_limit = global_limit
        self.max_concurrency = max_concurrency
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.state = StandinState()

        self.application_id = _snowflake(1)
        self.bot_user_id = self.application_id  # Discord bots share the application's id
        self.owner_id = _snowflake(2)
        self.guild_id = _snowflake(3)
        self.channel_id = _snowflake(4)
        self.member_user_id = _snowflake(5)
        # Snowflakes a millisecond apart: consecutive guilds fall on consecutive shards.
        self.guild_ids = [self.guild_id] + [self.guild_id + ((n + 1) << 22) for n in range(extra_guilds)]
        self.token = make_token(self.bot_user_id)
        self._ids = itertools.count(100)

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._active_ws: web.WebSocketResponse | None = None
        self._sessions: dict[int, web.WebSocketResponse] = {}  # shard id -> its identified session
        self._session_ids: dict[str, int] = {}  # session id -> shard, so a dropped session can RESUME
        self._nonces: dict[tuple[str, str], Json] = {}  # (channel id, nonce) -> the message created
        self._accepted: list[float] = []  # when each request inside the global limit arrived
        self._shard_count = 1
        self._seq = 0
        self._changed = asyncio.Event()
        self._routes: list[_Route] = []
        self._register_routes()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(GATEWAY_PATH, self._gateway)
        # One catch-all so unknown routes get JSON 404s (aiohttp's own are text/plain).
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        # Bind the socket ourselves so the OS-chosen free port is known without private APIs.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordStandin:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("stand-in not started")
        return self._port

    @property
    def http_base(self) -> str:
        """Base URL without the /api/v10 suffix."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.http_base + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    # ------------------------------------------------------------------ convenience views

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests

    @property
    def unknown_routes(self) -> list[RecordedRequest]:
        return self.state.unknown_routes

    @property
    def replies(self) -> list[InteractionReply]:
        return self.state.replies

    def synced_command_names(self) -> set[str]:
        return {cmd["name"] for cmds in self.state.synced_commands.values() for cmd in cmds}

    def summary(self) -> str:
        """A readable dump for assertion messages."""
        lines = [f"identified={self.state.identify is not None}", "requests:"]
        lines += [f"  {r}" for r in self.state.requests]
        lines.append("unknown routes: " + (", ".join(map(str, self.state.unknown_routes)) or "none"))
        lines.append(f"synced commands: {sorted(self.synced_command_names())}")
        lines += [f"reply {r.kind}: flags={r.flags} text={r.text!r}" for r in self.state.replies]
        return "\n".join(lines)

    def _touch(self) -> None:
        self._changed.set()

    # A timeout parameter (rather than asyncio.timeout) lets the TimeoutError carry summary().
    async def wait_for(self, predicate: Callable[[], T], timeout: float) -> T:  # noqa: ASYNC109
        """Wait until ``predicate()`` is truthy and return its value; TimeoutError after ``timeout``.

        Re-checks on every recorded change and at least every 0.1 s, so predicates may also look at
        things outside the stand-in (e.g. a subprocess's returncode).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s\n{self.summary()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.1))

    # ------------------------------------------------------------------ payloads

    def _next_id(self) -> int:
        return _snowflake(next(self._ids))

    def bot_user(self) -> Json:
        return {
            "id": str(self.bot_user_id),
            "username": "Hearth",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
        }

    def member_user(self) -> Json:
        return {
            "id": str(self.member_user_id),
            "username": "wiretester",
            "discriminator": "0",
            "global_name": "Wire Tester",
            "avatar": None,
            "public_flags": 0,
        }

    def _member(self, user: Json, permissions: str | None = None) -> Json:
        member: Json = {
            "user": user,
            "roles": [],
            "nick": None,
            "avatar": None,
            "joined_at": _now_iso(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }
        if permissions is not None:
            member["permissions"] = permissions
        return member

    def text_channel(self, guild_id: int | None = None) -> Json:
        other = guild_id is not None and guild_id != self.guild_id
        return {
            "id": str(guild_id + 1 if other and guild_id is not None else self.channel_id),
            "type": 0,
            "guild_id": str(guild_id or self.guild_id),
            "name": "general",
            "position": 0,
            "topic": None,
            "nsfw": False,
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "permission_overwrites": [],
        }

    def application_info(self) -> Json:
        owner = {
            "id": str(self.owner_id),
            "username": "owner",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
        }
        return {
            "id": str(self.application_id),
            "name": "Hearth",
            "icon": None,
            "description": "",
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": owner,
            "team": None,
            "flags": 0,
            "interactions_endpoint_url": None,
            "bot": self.bot_user(),
        }

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self._shard_count

    def guilds_on(self, shard: int) -> list[int]:
        return [guild_id for guild_id in self.guild_ids if self.shard_of(guild_id) == shard]

    def _ready(self, shard: int = 0) -> Json:
        session_id = f"wire-session-{self._next_id()}"
        self._session_ids[session_id] = shard
        return {
            "v": 10,
            "user": self.bot_user(),
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in self.guilds_on(shard)],
            "shard": [shard, self._shard_count],
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
        }

    def _guild_create(self, guild_id: int | None = None) -> Json:
        guild_id = guild_id or self.guild_id
        everyone = {
            "id": str(guild_id),
            "name": "@everyone",
            "permissions": DEFAULT_PERMISSIONS,
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        return {
            "id": str(guild_id),
            "name": "Wire Test Guild",
            "owner_id": str(self.owner_id),
            "icon": None,
            "features": [],
            "roles": [everyone],
            "emojis": [],
            "stickers": [],
            "channels": [self.text_channel(guild_id)],
            "threads": [],
            "members": [self._member(self.bot_user())],
            # Small and not "large": without the members intent discord.py never chunks anyway.
            "member_count": 2,
            "large": False,
            "unavailable": False,
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": _now_iso(),
            "preferred_locale": "en-US",
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_flags": 0,
        }

    def _message(self, data: Json, *, webhook: bool) -> Json:
        message: Json = {
            "id": str(self._next_id()),
            "type": 20 if webhook else 0,  # 20 = chat input command reply
            "channel_id": str(self.channel_id),
            "guild_id": str(self.guild_id),
            "author": self.bot_user(),
            "content": data.get("content") or "",
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": int(data.get("flags") or 0),
            "timestamp": _now_iso(),
            "edited_timestamp": None,
        }
        if webhook:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
        return message

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        self._seq = 0
        try:
            await ws.send_json({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue  # discord.py only ever sends text frames
                payload = json.loads(msg.data)
                self.state.gateway_received.append(payload)
                await self._on_gateway_payload(ws, payload)
                self._touch()
        finally:
            self._sockets.discard(ws)
            if self._active_ws is ws:
                self._active_ws = None
            for shard, session in list(self._sessions.items()):
                if session is ws:
                    del self._sessions[shard]
            self._touch()
        return ws

    async def _on_gateway_payload(self, ws: web.WebSocketResponse, payload: Json) -> None:
        op = payload.get("op")
        if op == OP_HEARTBEAT:
            await ws.send_json({"op": OP_HEARTBEAT_ACK})
            self.state.heartbeats_acked += 1
        elif op == OP_IDENTIFY:
            data = payload.get("d") or {}
            self.state.identify = data
            if self.reject_token or data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            shard, count = data.get("shard") or (0, 1)
            self.state.identifies.append((time.monotonic(), shard, count))
            self._shard_count = count
            self._sessions[shard] = ws
            if shard == 0:
                self._active_ws = ws
            await self._send(ws, "READY", self._ready(shard))
            for guild_id in self.guilds_on(shard):
                await self._send(ws, "GUILD_CREATE", self._guild_create(guild_id))
        elif op == OP_RESUME:
            # A session this stand-in started may resume on a new connection (nothing was missed: the
            # stand-in sends no events while a shard is away); anything else must IDENTIFY afresh.
            data = payload.get("d") or {}
            shard_id = self._session_ids.get(str(data.get("session_id")))
            if shard_id is None or data.get("token") != self.token:
                await ws.send_json({"op": OP_INVALID_SESSION, "d": False})
                return
            self._sessions[shard_id] = ws
            if shard_id == 0:
                self._active_ws = ws
            self.state.resumes.append((shard_id, str(data.get("session_id"))))
            await self._send(ws, "RESUMED", {})
        # Presence (3), voice state (4) etc. are only recorded.

    async def drop_session(self, shard: int = 0) -> None:
        """Close a shard's connection the way Discord does when it asks a client to reconnect (code 4000
        keeps the session resumable)."""
        ws = self._sessions.get(shard)
        if ws is None:
            raise RuntimeError(f"shard {shard} has no session to drop\n{self.summary()}")
        await ws.close(code=4000, message=b"Unknown error; please resume.")

    def busiest_second(self) -> int:
        """The most REST requests that arrived within any one-second window."""
        times = sorted(self.state.request_times)
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most

    async def dispatch(self, event: str, data: Json, *, guild_id: int | None = None) -> None:
        """Send a DISPATCH event to the session of the guild's shard (no guild: shard 0, as DMs)."""
        ws = self._sessions.get(self.shard_of(guild_id)) if guild_id is not None else self._active_ws
        if ws is None or ws.closed:
            raise RuntimeError(f"no identified gateway session to send {event} to\n{self.summary()}")
        await self._send(ws, event, data)

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Json) -> None:
        self._seq += 1  # one counter for all sessions: discord.py only needs it to grow per session
        await ws.send_json({"op": OP_DISPATCH, "t": event, "s": self._seq, "d": data})

    def _find_command(self, name: str) -> tuple[int | None, Json | None]:
        for guild_id, cmds in self.state.synced_commands.items():
            for cmd in cmds:
                if cmd.get("name") == name:
                    return guild_id, cmd
        return None, None

    async def send_interaction(
        self, command_name: str, options: list[Json] | None = None, *, subcommand: str | None = None
    ) -> Json:
        """Invoke a slash command (interaction type 2) as a guild member; returns the payload sent.

        ``subcommand="info"`` is shorthand for ``options=[{"type": 1, "name": "info", "options": []}]``.
        """
        if subcommand is not None:
            options = [{"type": 1, "name": subcommand, "options": options or []}]
        guild_id, command = self._find_command(command_name)
        data: Json = {
            "id": str(command["id"]) if command else str(self._next_id()),
            "name": command_name,
            "type": 1,
            "options": options or [],
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)  # guild commands say which guild they belong to
        interaction_id = self._next_id()
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": 2,
            "token": f"wire-interaction-token-{interaction_id}",
            "version": 1,
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(self.channel_id),
            "channel": self.text_channel(),
            "member": self._member(self.member_user(), permissions=DEFAULT_PERMISSIONS),
            "app_permissions": DEFAULT_PERMISSIONS,
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=self.guild_id)
        return payload

    # ------------------------------------------------------------------ REST

    def _register_routes(self) -> None:
        def add(method: str, path: str, handler: Any) -> None:
            # "{name}" segments match one path segment.
            regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
            self._routes.append(_Route(method, re.compile(f"^{regex}$"), handler))

        add("GET", "/users/@me", self._get_me)
        add("GET", "/oauth2/applications/@me", self._get_application)
        add("GET", "/applications/@me", self._get_application)
        add("GET", "/gateway", self._get_gateway)
        add("GET", "/gateway/bot", self._get_gateway)
        add("GET", "/applications/{app_id}/commands", self._get_commands)
        add("PUT", "/applications/{app_id}/commands", self._put_commands)
        add("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands)
        add("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands)
        add("POST", "/interactions/{interaction_id}/{token}/callback", self._interaction_callback)
        add("POST", "/webhooks/{app_id}/{token}", self._followup)
        add("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._edit_webhook_message)
        add("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_webhook_message)
        add("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self._no_content)
        add("GET", "/channels/{channel_id}", self._get_channel)
        add("POST", "/channels/{channel_id}/messages", self._post_channel_message)

    async def _read_body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type == "multipart/form-data":
            # Attachments: discord.py puts the JSON part in "payload_json".
            form = await request.post()
            raw = form.get("payload_json")
            return json.loads(raw) if isinstance(raw, str) else {}
        text = await request.text()
        try:
            return json.loads(text)
        except ValueError:
            return text

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = request.path
        if path.startswith(API_PREFIX):
            path = path[len(API_PREFIX) :]
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            body=await self._read_body(request),
            authorization=request.headers.get("Authorization"),
        )
        self.state.requests.append(record)
        response: web.Response | None = self._over_global_limit(path)
        if response is None and request.path.startswith(API_PREFIX):
            for route in self._routes:
                match = route.pattern.match(path)
                if match and route.method == request.method:
                    response = await route.handler(record, match.groupdict())
                    break
        if response is None:
            self.state.unknown_routes.append(record)
            response = _json_response({"message": "404: Not Found", "code": 0}, status=404)
        record.status = response.status
        self._touch()
        return response

    def _over_global_limit(self, path: str) -> web.Response | None:
        """Discord's global limit: over ``global_limit`` requests in the last second answers 429 with
        ``global: true`` (and nothing of the request is carried out). Interaction replies are exempt."""
        now = time.monotonic()
        if path.startswith(("/interactions/", "/webhooks/")):
            return None
        self.state.request_times.append(now)
        if self.global_limit is None:
            return None
        # Only requests Discord carried out count against the limit; a 429 does not use it up.
        window = [at for at in self._accepted[-self.global_limit :] if now - at < 1.0]
        if len(window) < self.global_limit:
            self._accepted.append(now)
            return None
        self.state.global_429s += 1
        retry_after = 1.0 - (now - window[0])
        wait = round(max(retry_after, 0.01), 3)
        response = _json_response({"message": "You are being rate limited.", "retry_after": wait, "global": True}, 429)
        response.headers["Via"] = "1.1 google"  # Discord's 429s carry it; without it discord.py assumes a ban
        response.headers["X-RateLimit-Global"] = "true"
        response.headers["X-RateLimit-Scope"] = "global"
        response.headers["Retry-After"] = str(max(1, round(retry_after)))
        return response

    def _authorized(self, record: RecordedRequest) -> bool:
        return not self.reject_token and record.authorization == f"Bot {self.token}"

    @staticmethod
    def _unauthorized() -> web.Response:
        return _json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    async def _get_me(self, record: RecordedRequest, _params: dict[str, str]) -> web.Response:
        if not self._authorized(record):
            return self._unauthorized()
        return _json_response(self.bot_user())

    async def _get_application(self, record: RecordedRequest, _params: dict[str, str]) -> web.Response:
        if not self._authorized(record):
            return self._unauthorized()
        return _json_response(self.application_info())

    async def _get_gateway(self, _record: RecordedRequest, _params: dict[str, str]) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": self.max_concurrency,
                },
            }
        )

    async def _get_commands(self, _record: RecordedRequest, params: dict[str, str]) -> web.Response:
        guild_id = int(params["guild_id"]) if "guild_id" in params else None
        return _json_response(self.state.synced_commands.get(guild_id, []))

    async def _put_commands(self, record: RecordedRequest, params: dict[str, str]) -> web.Response:
        if not isinstance(record.body, list):
            return _json_response({"message": "Invalid Form Body", "code": 50035}, status=400)
        guild_id = int(params["guild_id"]) if "guild_id" in params else None
        stored: list[Json] = []
        for cmd in record.body:
            # Echo back what discord.py sent plus the server-assigned fields AppCommand reads.
            echoed = {**cmd, "id": str(self._next_id()), "application_id": str(self.application_id)}
            echoed.setdefault("type", 1)
            echoed.setdefault("description", "")
            echoed["version"] = str(self._next_id())
            if guild_id is not None:
                echoed["guild_id"] = str(guild_id)
            stored.append(echoed)
        self.state.synced_commands[guild_id] = stored
        return _json_response(stored)

    async def _interaction_callback(self, record: RecordedRequest, params: dict[str, str]) -> web.Response:
        body: Json = record.body if isinstance(record.body, dict) else {}
        response_type = int(body.get("type") or 0)
        self.state.replies.append(InteractionReply("callback", body, response_type))
        data: Json = body.get("data") or {}
        interaction: Json = {
            "id": params["interaction_id"],
            "type": 2,
            "response_message_loading": response_type == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        }
        resource: Json = {"type": response_type}
        if response_type in (4, 7):  # a message was created/updated
            message = self._message(data, webhook=True)
            interaction["response_message_id"] = message["id"]
            resource["message"] = message
        return _json_response({"interaction": interaction, "resource": resource})

    async def _followup(self, record: RecordedRequest, _params: dict[str, str]) -> web.Response:
        body: Json = record.body if isinstance(record.body, dict) else {}
        self.state.replies.append(InteractionReply("followup", body))
        return _json_response(self._message(body, webhook=True))

    async def _edit_webhook_message(self, record: RecordedRequest, params: dict[str, str]) -> web.Response:
        body: Json = record.body if isinstance(record.body, dict) else {}
        kind = "edit_original" if params["message_id"] == "@original" else "edit_followup"
        self.state.replies.append(InteractionReply(kind, body))
        return _json_response(self._message(body, webhook=True))

    async def _get_webhook_message(self, _record: RecordedRequest, _params: dict[str, str]) -> web.Response:
        last = self.state.replies[-1].data if self.state.replies else {}
        return _json_response(self._message(last, webhook=True))

    async def _no_content(self, _record: RecordedRequest, _params: dict[str, str]) -> web.Response:
        return web.Response(status=204)

    async def _get_channel(self, _record: RecordedRequest, params: dict[str, str]) -> web.Response:
        if params["channel_id"] != str(self.channel_id):
            return _json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        return _json_response(self.text_channel())

    async def _post_channel_message(self, record: RecordedRequest, params: dict[str, str]) -> web.Response:
        body: Json = record.body if isinstance(record.body, dict) else {}
        nonce = body.get("nonce")
        key = (params["channel_id"], str(nonce))
        if nonce is not None and body.get("enforce_nonce") and key in self._nonces:
            # Discord: the same nonce within a few minutes returns the message already created.
            self.state.nonce_hits += 1
            return _json_response(self._nonces[key])
        self.state.channel_messages.append(body)
        message = self._message(body, webhook=False)
        message["channel_id"] = params["channel_id"]
        if nonce is not None:
            message["nonce"] = nonce
            self._nonces[key] = message
        return _json_response(message)
