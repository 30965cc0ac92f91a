"""The landing site: a named override, or the top-ranked site that meets every hard limit.

Works on a :class:`lupex.surface.sites.SiteAssessment` (its ``order`` puts the sites that meet
the limits first, by descending score).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LandingChoice", "choose_landing_site"]


@dataclass(frozen=True)
class LandingChoice:
    """The chosen site: its index in the assessment, name, whether it meets the limits,
    and why it was chosen."""

    index: int
    name: str
    meets_limits: bool
    reason: str


def _values(a, i) -> str:
    return (f"{a.names[i]}: slope {a.slope_deg[i]:.1f} deg, illumination {a.mean_illumination[i]:.2f}, "
            f"longest night {a.longest_night_h[i]:.0f} h, Earth in view {a.earth_fraction[i]:.2f}"
            + (f" (fails {', '.join(a.failed[i])})" if a.failed[i] else ""))


def choose_landing_site(assessment, override: str | None = None) -> LandingChoice:
    """Pick the landing site.

    Parameters
    ----------
    assessment : lupex.surface.sites.SiteAssessment
        The assessed and ranked candidates.
    override : str, optional
        A site name that replaces the ranking's choice (``landing.site``).

    Returns
    -------
    LandingChoice

    Raises
    ------
    ValueError
        For an unknown override, or when no site meets the hard limits (the message names
        the limits and every site's values).
    """
    a = assessment
    if override is not None:
        if override not in a.names:
            raise ValueError(f"landing.site: {override!r} is not one of the sites {list(a.names)}")
        i = a.names.index(override)
        ok = bool(a.feasible[i])
        return LandingChoice(i, override, ok, "chosen by the scenario (landing.site)"
                             + ("" if ok else f"; it breaks the limits: {', '.join(a.failed[i])}"))
    i = int(a.order[0])
    if not a.feasible[i]:
        c = a.constraints
        raise ValueError(
            "landing site: no site meets the hard limits (ranking.max_slope_deg "
            f"{c.max_slope_deg:g} deg, ranking.min_illumination {c.min_illumination:g}, "
            f"ranking.max_night_hours {c.max_night_h:g} h, ranking.min_earth_visibility "
            f"{c.min_earth_fraction:g}); the sites: " + "; ".join(_values(a, k) for k in range(len(a.names)))
            + ". Relax a limit, add a site, or name one with landing.site")
    return LandingChoice(i, a.names[i], True, "the top-ranked site that meets every hard limit")
