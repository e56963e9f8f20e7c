"""Audience rooms: phones send drawings, the wall shows them (SQLite or PostgreSQL)."""
