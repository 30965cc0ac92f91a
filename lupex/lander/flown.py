"""Published figures of flown powered descents, for validation and for plots.

Chandrayaan-3 (Vikram, 23 August 2023), as published before and after the landing:

* powered descent from ~30 km at 1.68 km/s horizontal; "rough braking" of 690 s down to
  7.42 km with 358 m/s horizontal and 61 m/s vertical speed, 713.5 km toward the site
  (ISRO's plan via the Times of India, reported by Business Standard, 22 Aug 2023:
  https://www.business-standard.com/india-news/chandrayaan-3-landing-on-august-27-if-conditions-are-unfavourable-isro-123082200268_1.html);
* an altitude-hold phase to 6.8 km; descent start 17:45 IST, touchdown ~18:04 IST, about
  19 minutes (National Herald, 23 Aug 2023:
  https://www.nationalheraldindia.com/national/on-the-moon-chandrayaan-3-touches-down-as-india-celebrates);
* a hover at ~150 m for about 30 s to pick the landing spot (Arctic Astronautics, 23 Aug 2023:
  https://arcticastronautics.fi/2023-08_indias-chandrayaan-3-landed-successfully-moon);
* touchdown specification: vertical <= 2 m/s, horizontal <= 0.5 m/s (ISRO, via Hindustan
  Times: https://www.hindustantimes.com/technology/chandrayaan3-speed-in-last-moon-orbit-isro-chief-somanath-news-101691561388130.html).

Apollo 11 (LM Eagle, 20 July 1969), NASA press kit as quoted at
https://forum.nasaspaceflight.com/index.php?topic=35227.0 : PDI at 50,000 ft (15.2 km),
about 14 deg uprange of the landing site; braking phase to the high gate at ~7,000 ft
(2.1 km), landing phase from 500 ft, vertical descent from ~150 ft at 3 ft/s; the descent
burn lasted 12 min 36 s (http://www.scibuff.com/2009/07/19/apollo-11-arrived-at-the-moon/).
LM at PDI ~15.1 t, descent engine 45.04 kN at Isp 311 s (throttleable 10-92 %; Bennett,
*Apollo Experience Report - Mission Planning for LM Descent and Ascent*, NASA TN D-6846, 1972).

SLIM (JAXA, 20 January 2024): the declared goal was a landing within 100 m of the target;
it touched down ~55 m from it, with ~3-10 m accuracy before its obstacle-avoidance manoeuvre
at ~50 m altitude (JAXA statement, https://www.lankaxpress.com/japans-moon-lander-hit-its-target/).

Lander: Vikram's four 800 N throttleable engines (3.2 kN) and ~1.75 t at separation (ISRO
Chandrayaan-3 mission page, https://www.isro.gov.in/Chandrayaan3_Details.html).
"""

from __future__ import annotations

import numpy as np

__all__ = ["APOLLO11", "CHANDRAYAAN3", "CHANDRAYAAN3_PROFILE", "SLIM"]

#: Chandrayaan-3's published descent points: time since PDI [s], altitude [km], horizontal
#: and vertical (downward) speed [m/s] (NaN: not published at that point).
CHANDRAYAAN3_PROFILE = {
    "t_s": np.array([0.0, 690.0, 700.0, 1140.0]),
    "alt_km": np.array([30.0, 7.42, 6.8, 0.0]),
    "horizontal_ms": np.array([1680.0, 358.0, np.nan, 0.0]),
    "vertical_ms": np.array([0.0, 61.0, np.nan, np.nan]),
}

#: Chandrayaan-3's published descent figures used as validation targets.
CHANDRAYAAN3 = {
    "pdi_alt_km": 30.0,
    "pdi_speed_kms": 1.68,
    "rough_braking_s": 690.0,
    "rough_braking_end_alt_km": 7.42,
    "rough_braking_end_horizontal_ms": 358.0,
    "rough_braking_end_vertical_ms": 61.0,
    "rough_braking_range_km": 713.5,
    "hover_alt_m": 150.0,
    "hover_s": 30.0,
    "descent_duration_s": 19.0 * 60.0,
    "thrust_n": 4 * 800.0,
    "separated_mass_kg": 1750.0,
    "touchdown_vertical_max_ms": 2.0,
    "touchdown_horizontal_max_ms": 0.5,
}

#: Apollo 11's published descent figures (see the module docstring).
APOLLO11 = {
    "pdi_alt_km": 15.24,
    "pdi_uprange_deg": 14.0,
    "high_gate_alt_km": 2.13,
    "vertical_descent_alt_m": 46.0,
    "touchdown_speed_ms": 0.91,
    "burn_s": 12 * 60 + 36.0,
    "mass_kg": 15_100.0,
    "thrust_n": 45_040.0,
    "isp_s": 311.0,
    "braking_throttle": 0.92,
}

#: SLIM's published landing accuracy [m] (see the module docstring).
SLIM = {"goal_m": 100.0, "achieved_m": 55.0, "pre_avoidance_m": 10.0}
