"""The presentation layer: everything a person reads.

Physics packages (``lupex.launch``, ``lupex.orbits``, ``lupex.lander``, ``lupex.surface``,
``lupex.ephemeris``) return data; this package turns stage results into

* summary quantities, every one built by :func:`lupex.report.quantity.quantity` with a unit
  from :data:`lupex.report.quantity.UNITS`;
* Markdown sections for ``report.md``;
* matplotlib figures (no pyplot state), maps all drawn in one style.

Nothing in the physics packages imports this package (``tests/test_architecture.py``).
"""
