"""The REST API (mounted under ``/api``): every read paged, every write behind the token."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
