"""Storage: the tables, one unit of work per use case, the schema and its Alembic migrations.

Imports nothing else of the engine but `engine.errors`.
"""
