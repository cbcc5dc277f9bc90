"""Routes for pages (to be filled in by its issue)."""

from fastapi import APIRouter

router = APIRouter()
