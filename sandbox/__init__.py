"""A local, wire-level Discord stand-in for end-to-end tests.

The real discord.py client and the real bot talk to it over real HTTP and a real websocket; tests act as members
and check what the bot sent. See tests/README.md for a guide, and `StandIn` for the API.
"""

from sandbox.builders import NotPossible
from sandbox.interactions import InteractionHandle, NoResponse
from sandbox.models import Channel, Guild, Member, Message, Pings, RecordedFile, RecordedRequest, Role, User, Violation
from sandbox.server import Fault, StandIn

__all__ = [
    "Channel",
    "Fault",
    "Guild",
    "InteractionHandle",
    "Member",
    "Message",
    "NoResponse",
    "NotPossible",
    "Pings",
    "RecordedFile",
    "RecordedRequest",
    "Role",
    "StandIn",
    "User",
    "Violation",
]
