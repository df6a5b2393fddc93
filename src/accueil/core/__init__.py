"""Core: configuration, database, errors, logging and text utilities shared by every package."""
