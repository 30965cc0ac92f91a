"""The landing-day choice: the first epoch with the Sun and the Earth above a site's horizon
for 12 hours, checked against the instantaneous sky computed on its own."""

import numpy as np

from lupex.lander.touchdown_sky import first_landing_window, touchdown_sky

SITE = (-88.70486, 291.66596, 1771.6)  # de Gerlache Rim 2, eye 2 m over the ground [m]
START = 2462033.0                       # 2028-09-19, TDB


def test_first_window_has_both_bodies_up_for_12_h_and_is_the_first():
    flat = np.zeros(360)
    jd = first_landing_window(*SITE, flat, START)
    assert START <= jd <= START + 30.0
    for h in np.arange(0.0, 12.01, 0.5):
        s = touchdown_sky(*SITE, flat, jd + h / 24.0)
        assert s.sun_above_terrain and s.earth_above_terrain
    # half an hour earlier (one sample) the 12-h condition fails somewhere
    if jd > START:
        before = [touchdown_sky(*SITE, flat, jd - 0.5 / 24.0 + h / 24.0) for h in np.arange(0.0, 12.01, 0.5)]
        assert not all(s.sun_above_terrain and s.earth_above_terrain for s in before)


def test_a_wall_all_around_gives_no_window():
    wall = np.full(360, np.radians(30.0))  # no Sun 30 deg up at 88.7 S
    assert np.isnan(first_landing_window(*SITE, wall, START, span_days=5.0))
