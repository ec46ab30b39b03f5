"""Juwu (居务): publishes what urban Residents' Affairs Supervision Committees record."""

__version__ = "0.1.0"
