"""Rover traverse: path length, slope limits, impassable terrain and shadow along the drive."""

import numpy as np
import pytest

from lupex.report.surface import traverse_summary as to_summary
from lupex.surface.dem import Dem
from lupex.surface.projection import xy_to_latlon
from lupex.surface.psr import psr_map
from lupex.surface.traverse import plan_traverse, psr_edge
from tests.surface._illum_helpers import pit

JD2028 = 2461771.5


def _deg(x, y):
    la, lo = xy_to_latlon(x, y)
    return float(np.degrees(la)), float(np.degrees(lo))


@pytest.fixture(scope="module")
def flat():
    dem = Dem(np.zeros((41, 41)), -0.205, 0.205, 0.01, source="flat test grid", synthetic=True)
    return dem, np.zeros(dem.shape), np.zeros((41, 41, 360), np.float32)


def test_straight_route_on_flat_ground(flat):
    dem, slope, hor = flat
    x, y = dem.xy()
    a, b = (x[20, 2], y[20, 2]), (x[20, 38], y[20, 38])
    tr = plan_traverse(dem, slope, hor, _deg(*a), target_latlon_deg=_deg(*b), depart_jd=JD2028)
    # 36 pixel steps of 10 m along a row; k - 1 < 2e-8 near the pole: 0.36 km exactly.
    assert tr.length_km == pytest.approx(0.36, rel=1e-6)
    assert tr.rows.size == 37 and np.all(tr.rows == 20)
    assert tr.drive_time_h == pytest.approx(0.36 / 0.1)
    assert to_summary(tr)["length"]["unit"] == "km"


def test_route_goes_through_the_gap_in_a_steep_wall(flat):
    dem, slope, hor = flat
    wall = slope.copy()
    wall[:, 20] = 30.0
    wall[35, 20] = 5.0  # the only gap
    x, y = dem.xy()
    tr = plan_traverse(dem, wall, hor, _deg(x[20, 5], y[20, 5]), target_latlon_deg=_deg(x[20, 35], y[20, 35]),
                       depart_jd=JD2028, max_slope_deg=20.0)
    assert tr.max_slope_deg <= 20.0
    crossing = tr.rows[tr.cols == 20]
    assert np.all(crossing == 35)
    # Via the gap: at least the two straight legs to (35, 20) and back, octile-connected.
    leg = np.hypot(15, 15) * 0.01
    assert tr.length_km >= 2 * leg - 1e-9
    wall[35, 20] = 30.0
    with pytest.raises(ValueError, match="no passable route"):
        plan_traverse(dem, wall, hor, _deg(x[20, 5], y[20, 5]), target_latlon_deg=_deg(x[20, 35], y[20, 35]),
                      depart_jd=JD2028, max_slope_deg=20.0)


def test_drive_into_a_psr_is_in_shadow():
    dem, hor, _ = pit(n=60, pixel_km=0.025, radius_km=0.4, depth_km=0.02)
    res = psr_map(dem, hor, JD2028, step_h=12.0, workers=1)
    edge = psr_edge(res.psr)
    assert edge.sum() > 0 and not np.any(edge & ~res.psr)
    slope = np.zeros(dem.shape)
    start = _deg(0.7, 0.0)
    tr = plan_traverse(dem, slope, hor, start, psr=res.psr, depart_jd=JD2028)
    assert res.psr[tr.target_rc]
    # Going on to the pit centre: every metre inside the PSR is driven in darkness.
    tr2 = plan_traverse(dem, slope, hor, start, target_latlon_deg=_deg(0.0, 0.0), depart_jd=JD2028)
    in_psr = res.psr[tr2.rows, tr2.cols]
    assert np.all(tr2.sun_fraction[in_psr] == 0)
    seg = np.hypot(np.diff(tr2.rows), np.diff(tr2.cols)) * 0.025
    assert tr2.shadow_length_km >= seg[in_psr[:-1]].sum() - 1e-9
    assert tr2.shadow_time_h == pytest.approx(tr2.shadow_length_km / 0.1)


def test_traverse_plot_renders(flat):
    from matplotlib.figure import Figure

    from lupex.report.surface import plot_traverse

    dem, slope, hor = flat
    x, y = dem.xy()
    tr = plan_traverse(dem, slope, hor, _deg(x[5, 5], y[5, 5]), target_latlon_deg=_deg(x[30, 30], y[30, 30]),
                       depart_jd=JD2028)
    for bg in (None, np.full(dem.shape, 0.5)):
        fig = plot_traverse(dem, tr, background=bg, psr=np.zeros(dem.shape, bool))
        assert isinstance(fig, Figure)
        fig.canvas.draw()
