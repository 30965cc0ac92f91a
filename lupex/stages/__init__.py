"""Pipeline stages: each module wires pure physics functions to the scenario (see pipeline)."""
