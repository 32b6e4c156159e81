"""Hand-built traffic for results tests: exposures and events written in bulk, with known counts."""

from datetime import datetime, timedelta

from experiments.models import Event, Experiment, Exposure


def add_units(
    experiment: Experiment,
    variant_key: str,
    units: int,
    *,
    exposed_at: datetime,
    did: dict[str, int] | None = None,
    after: timedelta = timedelta(hours=1),
    simulated: bool = False,
    prefix: str = "",
) -> list[str]:
    """Expose ``units`` units to a variant at ``exposed_at``; for each ``event name: k`` in
    ``did``, the first k of them do that event once, ``after`` their exposure. Returns the ids."""
    variant = experiment.variants.get(key=variant_key)
    ids = [f"{prefix}{variant_key}-{i}" for i in range(units)]
    Exposure.objects.bulk_create(
        Exposure(
            experiment=experiment,
            variant=variant,
            unit_id=unit_id,
            first_seen_at=exposed_at,
            is_simulated=simulated,
        )
        for unit_id in ids
    )
    column = "user_id" if experiment.unit_type == "user" else "visitor_id"
    Event.objects.bulk_create(
        Event(name=name, timestamp=exposed_at + after, is_simulated=simulated, **{column: unit_id})
        for name, count in (did or {}).items()
        for unit_id in ids[:count]
    )
    return ids
