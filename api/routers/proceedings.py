"""Routes for proceedings (to be filled in by its issue)."""

from fastapi import APIRouter

router = APIRouter()
