"""Presentation of launch results: summary figures (JSON, units) and figures."""
import io
import json

import pytest

from lupex.constants import GM_EARTH_WGS84_KM3S2, R_EARTH_KM
from lupex.launch import margin_kg
from lupex.launch.losses import losses_by_phase
from lupex.report.launch import (
    flight_summary,
    losses_summary,
    margin_summary,
    plot_ascent_profile,
    plot_ground_track,
    plot_payload_vs_c3,
)
from lupex.report.quantity import UNITS, units_used


def test_summary_is_json_with_units(lto_result):
    s = flight_summary(lto_result)
    json.dumps(s)

    def leaves(d):
        for k, v in d.items():
            if isinstance(v, dict) and "value" in v:
                yield k, v
            elif isinstance(v, dict):
                yield from leaves(v)
    found = list(leaves(s))
    assert len(found) > 40
    assert all(isinstance(v["unit"], str) and v["unit"] for _, v in found)
    assert s["events"]["MECO"]["time"]["unit"] == "s"
    # C3 = -2 is still bound: apogee from a = -mu/C3 and r_a = 2a - r_p (closed form)
    r_p = lto_result.perigee_alt_km + R_EARTH_KM
    r_a = 2 * GM_EARTH_WGS84_KM3S2 / -lto_result.c3_km2s2 - r_p
    assert s["apogee_altitude"]["value"] == pytest.approx(r_a - R_EARTH_KM, rel=1e-9)
    assert 3.5e5 < s["apogee_altitude"]["value"] < 4.2e5     # near the Moon's distance


def test_plots_render(lto_result, curve_24l):
    for fig in (plot_ascent_profile(lto_result), plot_ground_track(lto_result),
                plot_payload_vs_c3(curve_24l, 6300.0, -2.0)):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=50)
        assert buf.getvalue()[:4] == b"\x89PNG"
    assert len(plot_ascent_profile(lto_result).axes) == 5


def test_payload_plot_shows_published_lower_bounds(curve_24l):
    fig = plot_payload_vs_c3(curve_24l, 6300.0, -2.0, [(-2.0, 6000.0, "JAXA > 6.0 t")])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "JAXA > 6.0 t" in labels
    (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "JAXA > 6.0 t"]
    assert line.get_xydata().tolist() == [[-2.0, 6.0]]    # plotted in tonnes


def test_budget_summary_is_json_with_units(f26_result):
    s = losses_summary(losses_by_phase(f26_result)["boost"])
    json.dumps(s)
    assert s["gravity_loss"]["unit"] == "m/s"
    assert s["ideal_delta_v"]["value"] > s["speed_gain"]["value"] > 0


def test_margin_summary_flags_a_heavy_spacecraft(curve_24l):
    heavy = margin_kg(curve_24l, -2.0, 20_000.0)
    s = margin_summary(heavy)
    assert s["margin"]["unit"] == "kg" and s["feasible"] is False
    assert "optimistic" in s["caveat"]


def test_summary_units_are_in_the_vocabulary(lto_result, curve_24l):
    assert units_used(flight_summary(lto_result)) <= set(UNITS)
    assert units_used(margin_summary(margin_kg(curve_24l, -2.0, 6300.0))) <= set(UNITS)


def test_the_margin_is_given_as_computed_and_after_the_model_bias(curve_24l):
    from lupex.launch import LUNAR_TRANSFER_PAYLOAD_BIAS, bias_corrected_margin_kg

    m = margin_kg(curve_24l, -2.0, 6300.0)
    corrected = bias_corrected_margin_kg(m)
    # closed form: capability / (1 + bias) - spacecraft
    assert corrected == pytest.approx(m.capability_kg / (1 + LUNAR_TRANSFER_PAYLOAD_BIAS) - 6300.0,
                                      rel=1e-12)
    assert corrected < m.margin_kg
    s = margin_summary(m)
    assert s["margin_after_model_bias"] == {"value": corrected, "unit": "kg"}
    assert s["model_bias"]["value"] == LUNAR_TRANSFER_PAYLOAD_BIAS
