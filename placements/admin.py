"""The admin of this app lives in one module per area."""

from placements import admin_candidates, admin_events, admin_placements  # noqa: F401 - they register
