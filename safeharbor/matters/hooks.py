"""Other apps react to matter events here (notifications, routing), without the matters app
knowing them. A hook is called synchronously inside the transaction that records the event,
so whatever it writes commits or rolls back with the change itself. A hook must be quick and
must not call back into matters.actions."""

EVENT_HOOKS: dict[str, object] = {}


def register_event_hook(name: str, hook) -> None:
    """`hook(event)` runs for every MatterEvent recorded through matters.actions."""
    EVENT_HOOKS[name] = hook


def run_event_hooks(event) -> None:
    for hook in list(EVENT_HOOKS.values()):
        hook(event)
