"""Narrascope: trace claims and narratives through the news."""

__version__ = "0.1.0"
