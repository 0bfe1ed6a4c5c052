"""The history: the hash-chained audit log (`chain`, re-exported here: `audit.record`), its check
(`verify`), refused accesses (`refusals`), and the managers' reading of it (`search`, `timeline`).

The chain, its check and refusals need only the store; `search` and `timeline` read files too,
so nothing that runs files imports them.
"""
from engine.audit.chain import (  # noqa: F401 (the package's public surface)
    GENESIS,
    HASHED,
    READ_KINDS,
    REDACTION,
    RULE_1,
    RULE_2,
    chain_hash,
    changes,
    details_of,
    digest,
    event_dict,
    event_hash,
    history,
    record,
    record_read,
    redact,
)
