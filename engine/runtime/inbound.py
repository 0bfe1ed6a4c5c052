"""Messages and signals sent from outside (an agent's button, another system, the CLI) to the files.

`send_message` reaches the files waiting on a message whose business key (or correlation
values) match, and the rest of their chain for a message the chain marks `reachesChain`
(`chains`), and opens the procedures whose start event listens to it; `send_signal`
reaches every file waiting on the signal and opens the procedures it starts. Who may send:
the roles named by the `allowedSenders` property of the elements that wait on it, and `admin`.
"""
from engine.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from engine.runtime import chains, messages
from engine.runtime.spawn import deliver
from engine.store.tables import Instance
from engine.store.uow import first_writer_wins

ATTEMPTS = 2  # a delivery that lost a race with another writer of a receiving file is tried once more


def send_message(uow, actor, name, business_key=None, correlation=None, payload=None):
    """Deliver the message `name` to the files waiting on it for `business_key` (or whose correlation
    values are `correlation`); returns {"delivered_to": [ids], "started": [ids]}.

    Raises ValidationFailed (bad name, key, correlation or payload), NotFound (no deployed
    procedure waits on or starts with this message), Forbidden (the actor may not send it),
    or Conflict `nobody_waits` (no file waits on it for this key: the message is kept and
    recorded as `message_unmatched`, committed before the refusal).
    """
    _check(name, business_key, correlation, payload, need_target=True)
    if business_key and not correlation:
        with uow:  # a message a chain marks `reachesChain` goes to the whole chain of that reference
            keys = chains.keys_for_reference(uow.session, business_key, name)
        if len(keys) > 1:
            return send_message_to_keys(uow, actor, name, keys, payload)
    letter = messages.Letter("message", name, payload or {}, business_key=business_key or None,
                             correlation=dict(correlation or {}), sender=actor.username)
    return _send(uow, actor, [letter])


def send_message_to_keys(uow, actor, name, business_keys, payload=None):
    """`send_message` to the files of several business keys at once, in one transaction (a message that
    reaches a whole chain of files); same answers, `nobody_waits` only when none of them waits."""
    for key in business_keys:
        _check(name, key, None, payload, need_target=True)
    letters = [messages.Letter("message", name, payload or {}, business_key=key, sender=actor.username)
               for key in business_keys]
    return _send(uow, actor, letters)


def send_signal(uow, actor, name, payload=None, business_key=None):
    """Broadcast the signal `name` to every file waiting on it and open the procedures it starts
    (their files get `business_key`, by default the signal's name and time); same answers as
    `send_message`."""
    _check(name, business_key, None, payload, need_target=False)
    letter = messages.Letter("signal", name, payload or {}, business_key=business_key or None, sender=actor.username)
    return _send(uow, actor, [letter])


def _send(uow, actor, letters):
    letter = letters[0]
    for attempt in range(ATTEMPTS):
        try:
            with uow, first_writer_wins(f"a file waiting on '{letter.name}' changed meanwhile",
                                        reason="file_changed"):
                session = uow.session
                _allowed(actor, letter, messages.listeners(session, letter.kind, letter.name))
                delivered, started = [], []
                for each in letters:
                    reached, opened = deliver(session, each)
                    delivered += [i for i in reached if i not in delivered]
                    started += opened
                uow.commit()
                if not delivered and not started:
                    raise Conflict(f"no file waits on {letter.kind} '{letter.name}' here", reason="nobody_waits",
                                   name=letter.name, business_key=letter.business_key)
                return {"delivered_to": delivered, "started": started}
        except Conflict as err:
            if err.params.get("reason") != "file_changed" or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _allowed(actor, letter, elements):
    if not elements:
        raise NotFound(f"no deployed procedure waits on the {letter.kind} '{letter.name}'",
                       reason=f"unknown_{letter.kind}", name=letter.name)
    roles = messages.allowed_senders(element for _version, element, _start in elements)
    if not roles & set(actor.roles):
        raise Forbidden(f"only {', '.join(sorted(roles))} may send the {letter.kind} '{letter.name}'",
                        reason="sender_not_allowed", name=letter.name, roles=sorted(roles))


def _check(name, business_key, correlation, payload, need_target):
    errors = []
    if not isinstance(name, str) or not name.strip():
        errors.append(FieldError("name", "required"))
    limit = Instance.__table__.c.business_key.type.length
    if business_key is not None and (not isinstance(business_key, str) or len(business_key) > limit):
        errors.append(FieldError("business_key", "maxLength" if isinstance(business_key, str) else "type",
                                 {"limit": limit, "expected": "string"}))
    if correlation is not None and not isinstance(correlation, dict):
        errors.append(FieldError("correlation", "type", {"expected": "object"}))
    if need_target and not business_key and not correlation:
        errors.append(FieldError("business_key", "required"))
    if payload is not None and not isinstance(payload, dict):
        errors.append(FieldError("payload", "type", {"expected": "object"}))
    if errors:
        raise ValidationFailed(errors)
