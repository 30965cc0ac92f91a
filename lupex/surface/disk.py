"""How much of a body's disk shows above a horizon.

The Sun (0.27 deg radius) and the Earth (0.95 deg) are disks, not points, near the polar
horizon: :func:`disk_fraction` gives the visible share of a uniform disk cut by a straight
horizon line.
"""

from __future__ import annotations

import numpy as np

__all__ = ["disk_fraction"]


def disk_fraction(x):
    """Visible fraction of a uniform disk cut by a straight horizon.

    Parameters
    ----------
    x : array_like
        ``(e - h) / rho``: elevation of the disk centre above the horizon in units of the
        disk's angular radius rho.

    Returns
    -------
    ndarray
        ``f = (acos(-x) + x sqrt(1 - x^2)) / pi`` for |x| < 1, 1 for x >= 1, 0 for x <= -1:
        the area of the circular segment above a chord at distance x from the centre,
        divided by pi (Weisstein, "Circular Segment", MathWorld; A = R^2 acos(d/R) -
        d sqrt(R^2 - d^2) for the part beyond the chord).  Limb darkening is ignored.
    """
    x = np.clip(np.asarray(x, dtype=float), -1.0, 1.0)
    return (np.arccos(-x) + x * np.sqrt(1.0 - x * x)) / np.pi

