"""The gateway websocket: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay, dispatches,
and the faults a real gateway produces (dropped sockets, RECONNECT, INVALID_SESSION).

Frames are plain JSON text: discord.py asks for zlib-stream but decompresses only binary frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from sandbox.world import World

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, REQUEST_MEMBERS, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    8,
    6,
    7,
    9,
    10,
    11,
)
# Long enough that the client's own heartbeats never matter within a test; we ACK every one anyway.
HEARTBEAT_INTERVAL_MS = 41_250
AUTHENTICATION_FAILED = 4004
LIVE = "_standin_live"

# Gateway intents that gate the events the stand-in emits on its own.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15


@dataclass
class Session:
    """A gateway session: survives dropped sockets, and replays what the bot missed when it resumes."""

    id: str
    intents: int
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    invalid: bool = False


@dataclass
class Connection:
    """One websocket. Frames go through `outbox`, written by one task, so their order is the order of `send`."""

    ws: web.WebSocketResponse
    request: web.Request
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    session: Session | None = None
    written: list[str] = field(default_factory=list)  # "op" or event name of every frame written
    close_code: int | None = None

    def send(self, frame: dict[str, Any]) -> None:
        """Queue a frame for writing."""
        self.outbox.put_nowait(frame)


class Gateway:
    """The gateway endpoint and its sessions. The StandIn wires `on_token` and `on_problem`."""

    def __init__(
        self,
        world: World,
        *,
        on_token: Callable[[str], bool],
        on_problem: Callable[[str], None],
        on_change: Callable[[], None],
    ) -> None:
        self.world = world
        self.on_token, self.on_problem, self.on_change = on_token, on_problem, on_change
        self.resume_url = ""
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.connections: list[Connection] = []
        self.identifies = 0
        self.resumes = 0
        self.received: list[dict[str, Any]] = []
        # The last sequence number the client reported in a heartbeat: it has parsed every event up to there.
        self.client_seq = 0
        self._live = asyncio.Event()

    @property
    def live(self) -> bool:
        """Whether a bot is connected and has its READY or RESUMED."""
        return self._live.is_set()

    async def wait_live(self, within: float = 5.0) -> None:
        """Wait until a bot has identified or resumed since the last fault."""
        await asyncio.wait_for(self._live.wait(), within)

    def emit(self, event: str, data: dict[str, Any], *, intent: int = 0) -> bool:
        """Dispatch an event to the current session (buffered for replay if its socket is down).

        Events gated by an `intent` the bot did not ask for are not sent, as with Discord. Returns whether sent.
        """
        session = self.current
        if session is None or session.invalid or (intent and not session.intents & intent):
            return False
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.history.append(frame)
        if session.connection is not None:
            session.connection.send(frame)
        return True

    async def flush(self) -> None:
        """Wait until every queued frame was written to the socket."""
        session = self.current
        if session is not None and session.connection is not None:
            await session.connection.outbox.join()

    def request_heartbeat(self) -> int:
        """Ask the client for a heartbeat (op 1): its answer carries the last sequence it processed.

        Returns the sequence to wait for; frames are processed in order, so once the client reports it, every
        event sent before was parsed (listeners it spawned may still be running)."""
        connection = self._current_connection()
        target = connection.session.seq if connection.session else 0
        connection.send({"op": HEARTBEAT, "d": None})
        return target

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The websocket endpoint (`/gateway`, and the resume URL given in READY)."""
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(ws, request)
        self.connections.append(connection)
        writer = asyncio.create_task(self._write(connection), name="standin-gateway-writer")
        connection.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(message.data)
                self.received.append(frame)
                self._on_frame(connection, frame)
                self.on_change()
        finally:
            connection.close_code = ws.close_code
            self._detach(connection)
            connection.outbox.put_nowait(None)
            await writer
        return ws

    async def _write(self, connection: Connection) -> None:
        while True:
            frame = await connection.outbox.get()
            try:
                if frame is None or connection.ws.closed:
                    return
                if LIVE in frame:
                    # Queued after GUILD_CREATE or RESUMED: everything the bot needs was written.
                    if connection.session is not None and connection.session.connection is connection:
                        self._live.set()
                    continue
                await connection.ws.send_str(json.dumps(frame))
                connection.written.append(str(frame.get("t") or frame.get("op")))
            except (ConnectionError, RuntimeError):
                return  # the socket died under us; the session keeps the frame for a resume
            finally:
                connection.outbox.task_done()

    def _on_frame(self, connection: Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == HEARTBEAT:
            if isinstance(data, int) and connection.session is self.current:
                self.client_seq = data
            connection.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(connection, data or {})
        elif op == RESUME:
            self._resume(connection, data or {})
        elif op == REQUEST_MEMBERS and isinstance(data, dict):
            guild = self.world.guilds.get(int(data["guild_id"]))
            if guild is not None:
                chunk = {
                    "guild_id": str(guild.id),
                    "members": [m.payload() for m in guild.members.values()],
                    "chunk_index": 0,
                    "chunk_count": 1,
                    "nonce": data.get("nonce"),
                }
                self.emit("GUILD_MEMBERS_CHUNK", chunk)
        elif op not in (3, 4):  # presence and voice state updates need no answer
            self.on_problem(f"gateway: unexpected op {op}")

    def _authenticate(self, connection: Connection, token: str) -> bool:
        if self.on_token(token):
            return True
        asyncio.get_running_loop().create_task(connection.ws.close(code=AUTHENTICATION_FAILED))
        return False

    def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        if not self._authenticate(connection, str(data.get("token", ""))):
            return
        self.identifies += 1
        session = Session(secrets.token_hex(16), int(data.get("intents", 0)))
        self.sessions[session.id] = session
        self._attach(connection, session)
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.world.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        self.emit("READY", ready)
        for guild in self.world.guilds.values():
            self.emit("GUILD_CREATE", guild.payload())
        connection.send({LIVE: True})

    def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        if not self._authenticate(connection, str(data.get("token", ""))):
            return
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalid:
            connection.send({"op": INVALID_SESSION, "d": False})
            return
        self.resumes += 1
        self._attach(connection, session)
        seen = int(data.get("seq") or 0)
        for frame in session.history:
            if frame["s"] > seen:
                connection.send(frame)
        self.emit("RESUMED", {})
        connection.send({LIVE: True})

    def _attach(self, connection: Connection, session: Session) -> None:
        if session.connection is not None and session.connection is not connection:
            self._detach(session.connection)
        session.connection, connection.session = connection, session
        self.current = session

    def _detach(self, connection: Connection) -> None:
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
            if session is self.current:
                self._live.clear()

    # Faults -------------------------------------------------------------------------------------------------

    def _current_connection(self) -> Connection:
        if self.current is None or self.current.connection is None:
            raise RuntimeError("no bot is connected to the gateway")
        return self.current.connection

    def drop(self, code: int | None = None) -> None:
        """Cut the socket: without a close frame (like a network failure), or closing with `code`."""
        connection = self._current_connection()
        self._detach(connection)
        if code is None:
            transport = connection.request.transport
            if transport is not None:
                transport.abort()
        else:
            asyncio.get_running_loop().create_task(connection.ws.close(code=code))

    def reconnect(self) -> None:
        """Send RECONNECT (op 7): the bot should close and resume."""
        connection = self._current_connection()
        self._detach(connection)
        connection.send({"op": RECONNECT, "d": None})

    def invalidate(self, *, resumable: bool) -> None:
        """Send INVALID_SESSION (op 9). Not resumable: the session is gone and the bot must identify again."""
        connection = self._current_connection()
        session = connection.session
        self._detach(connection)
        if not resumable and session is not None:
            session.invalid = True
        connection.send({"op": INVALID_SESSION, "d": resumable})

    async def close(self) -> None:
        """Close every socket (at stop)."""
        for connection in self.connections:
            self._detach(connection)
            with contextlib.suppress(Exception):
                await connection.ws.close()
