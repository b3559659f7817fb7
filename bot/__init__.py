"""Nexus bot: the ProDev Project Nexus community's Discord bot."""

__version__ = "0.1.0"
