"""Routes for sparql (to be filled in by its issue)."""

from fastapi import APIRouter

router = APIRouter()
