"""Who works here: accounts and API tokens (`credentials`, re-exported here), roles, regions,
access rules (`access`), the administrator's use cases (`users`) and in-app notifications.
"""
from engine.accounts.credentials import (  # noqa: F401 (the package's public surface)
    TOKEN_DAYS,
    actor_for_token,
    actor_of,
    authenticate,
    create_token,
    list_tokens,
    tokens_of,
    revoke_token,
    create_user,
    end_session,
    get_actor,
    open_session,
    signed_in,
)
