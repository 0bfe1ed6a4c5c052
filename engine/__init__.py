"""Djoliba's workflow engine: deploy BPMN diagrams, run instances, keep their history.

This package never imports the web layer. Its use cases live in small modules
(`deploy`, `instances`, `tasks`, `accounts`) and each one runs in a single
unit of work (`uow.UnitOfWork`).
"""
