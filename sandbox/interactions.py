"""An interaction the stand-in dispatched, and everything the bot answered to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.models import Member, Message, Violation

if TYPE_CHECKING:
    from sandbox.server import StandIn

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 1, 4, 5, 6, 7, 8, 9
KIND_NAMES = {1: "ping", 2: "command", 3: "component", 4: "autocomplete", 5: "modal submit"}


class NoResponse(AssertionError):  # noqa: N818 -- named after what the member sees
    """The bot did not acknowledge an interaction within Discord's deadline."""


class InteractionHandle:
    """What a test holds after `slash`, `click`, `submit_modal`…: the payload sent and the bot's answers.

    `message` is the response message as it is now (after any defer and edits), `followups` the follow-up
    messages, `modal` the modal the bot opened, `choices` its autocomplete answer.
    """

    def __init__(
        self,
        standin: StandIn,
        *,
        interaction_id: int,
        token: str,
        kind: int,
        member: Member,
        channel_id: int,
        payload: dict[str, Any],
        source_message: Message | None = None,
        deadline: float = 3.0,
    ) -> None:
        self.standin = standin
        self.id, self.token, self.kind = interaction_id, token, kind
        self.member, self.channel_id, self.payload = member, channel_id, payload
        self.source_message = source_message
        self.response_type: int | None = None
        self.original: Message | None = None
        self.followups: list[Message] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.modal_submitted = False
        self.expired = False
        self.updates = 0  # edits of the original and follow-ups after the acknowledgement
        self.deadline = deadline
        self._settled = asyncio.Event()
        self._timer = asyncio.get_running_loop().call_later(deadline, self._expire)

    def __repr__(self) -> str:
        return f"<InteractionHandle {self.describe()} response_type={self.response_type}>"

    def describe(self) -> str:
        """E.g. "command /nexus config by alice"."""
        data = self.payload.get("data", {})
        what = data.get("name") or data.get("custom_id") or ""
        if self.kind in (APPLICATION_COMMAND, AUTOCOMPLETE):
            what = "/" + " ".join([what, *_subcommand_path(data.get("options", []))])
        return f"{KIND_NAMES.get(self.kind, self.kind)} {what} by {self.member.name}"

    @property
    def acknowledged(self) -> bool:
        """Whether the bot's callback was accepted."""
        return self.response_type is not None

    @property
    def message(self) -> Message | None:
        """The response message: the one created (types 4, 5) or the component's message (types 6, 7)."""
        return self.original

    @property
    def messages(self) -> list[Message]:
        """The response message (if any) followed by the follow-ups."""
        return ([self.original] if self.original is not None else []) + self.followups

    @property
    def ephemeral(self) -> bool:
        """Whether the response message is visible to the member only."""
        return self.original is not None and self.original.ephemeral

    def acknowledge(self, response_type: int) -> None:
        """Called by the server once a callback was accepted."""
        self.response_type = response_type
        self._timer.cancel()
        self._settled.set()

    def _expire(self) -> None:
        if self.response_type is not None:
            return
        self.expired = True
        self.standin.record_violation(
            Violation(
                404,
                10062,
                f"{self.describe()} was not acknowledged within {self.deadline:g} s: "
                "the member sees 'The application did not respond'",
            )
        )
        self._settled.set()

    def cancel(self) -> None:
        """Stop the deadline timer (at stop)."""
        self._timer.cancel()

    async def wait_acknowledged(self) -> InteractionHandle:
        """Wait for the acknowledgement; raise NoResponse once the deadline passed without one."""
        await self._settled.wait()
        if self.response_type is None:
            rejected = [str(v) for v in self.standin.violations if v.request and str(self.id) in v.request.path]
            detail = f"; rejected callbacks: {rejected}" if rejected else ""
            raise NoResponse(f"{self.describe()}: no acknowledgement within {self.deadline:g} s{detail}")
        return self

    @property
    def final(self) -> bool:
        """Whether the answer is complete: not deferred, or the deferred response was edited or followed up."""
        if self.response_type == DEFERRED_MESSAGE:
            return self.original is not None and not self.original.loading
        if self.response_type == DEFERRED_UPDATE:
            return self.updates > 0
        return self.response_type is not None

    async def wait_final(self, within: float = 5.0) -> InteractionHandle:
        """For a deferred response, wait until the bot edited it or sent a follow-up."""
        await self.wait_acknowledged()
        await self.wait_for(lambda ix: ix.final, within, what="a deferred response to be completed")
        return self

    async def wait_followups(self, count: int = 1, within: float = 5.0) -> list[Message]:
        """Wait until the bot sent at least `count` follow-ups."""
        await self.wait_for(lambda ix: len(ix.followups) >= count, within, what=f"{count} follow-up(s)")
        return self.followups

    async def wait_for(
        self, predicate: Callable[[InteractionHandle], bool], within: float = 5.0, *, what: str = "a condition"
    ) -> None:
        """Wait until `predicate(self)` holds, re-checked on every request the stand-in serves."""
        try:
            await self.standin.wait_for(lambda: predicate(self), within)
        except TimeoutError:
            raise AssertionError(f"{self.describe()}: timed out after {within:g} s waiting for {what}") from None


def _subcommand_path(options: list[dict[str, Any]]) -> list[str]:
    for option in options:
        if option.get("type") in (1, 2):
            return [option["name"], *_subcommand_path(option.get("options", []))]
    return []
