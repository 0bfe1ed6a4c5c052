"""The demo of `djoliba init --demo`: files worked by the demo accounts (`files`, re-exported
here) and what their agents type (`payloads`).
"""
from engine.demo.files import (  # noqa: F401 (the package's public surface)
    DEMO_FILES,
    OFFERS,
    PROCESS,
    WORKERS,
    DemoAccountMissing,
    create_demo_data,
    create_demo_files,
    describe,
    summary,
)
