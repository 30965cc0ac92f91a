"""The self-contained HTML report: report.md rendered, its plots embedded, the run's files
listed, and (with the ``interactive`` extra, plotly) a 3D view of the trajectories.

Everything is inside the one file (images as base64 ``data:`` URIs, styles inline), so it
can be mailed or archived alone; the links to the maps, tables and trajectory files are
relative and work beside the results folder.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3} img{max-width:100%;height:auto}
code{background:#f6f6f6;padding:0 .2em} h2{border-bottom:1px solid #ddd;margin-top:2em}
nav ul{columns:2} .files li{font-family:monospace}
"""


def _embed_images(body: str, folder: Path) -> str:
    """Replace ``src="plots/NAME.png"`` by the PNG's bytes as a data URI."""

    def repl(m):
        p = folder / m.group(1)
        if not p.is_file():
            return m.group(0)
        data = base64.b64encode(p.read_bytes()).decode("ascii")
        return f'src="data:image/png;base64,{data}"'

    return re.sub(r'src="(plots/[^"]+\.png)"', repl, body)


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def trajectory_3d(ephs) -> str:
    """An interactive plotly 3D view of Earth-centred arcs (HTML fragment), or "" when
    plotly (the ``interactive`` extra) is not installed or there is nothing to show.

    Parameters
    ----------
    ephs : mapping of str to lupex.report.oem.Ephemeris
        Arcs by name; only those centred on the Earth in inertial axes are drawn.
    """
    try:
        import plotly.graph_objects as go
    except ImportError:
        return ""
    arcs = {k: e for k, e in ephs.items() if e.center_name == "EARTH" and e.ref_frame == "ICRF"}
    if not arcs:
        return ""
    fig = go.Figure()
    for k, e in arcs.items():
        fig.add_trace(go.Scatter3d(x=e.r_km[:, 0], y=e.r_km[:, 1], z=e.r_km[:, 2],
                                   mode="lines", name=k))
    fig.add_trace(go.Scatter3d(x=[0], y=[0], z=[0], mode="markers", name="Earth"))
    fig.update_layout(scene={"aspectmode": "data", "xaxis_title": "x (km, ICRF)",
                             "yaxis_title": "y (km)", "zaxis_title": "z (km)"},
                      height=600, margin={"l": 0, "r": 0, "t": 30, "b": 0},
                      title="Trajectories (Earth-centred ICRF)")
    return fig.to_html(full_html=False, include_plotlyjs=True)


def build_html(markdown_text: str, folder: Path, files: Mapping[str, Sequence[str]],
               title: str, extra_html: str = "") -> str:
    """The HTML report.

    Parameters
    ----------
    markdown_text : str
        report.md's text.
    folder : pathlib.Path
        The results folder being written (for the plots to embed).
    files : mapping of str to sequence of str
        The run's export files by sub-folder (``maps``, ``tables``, ``trajectories``).
    title : str
        The page title.
    extra_html : str
        Fragment appended before the file list (e.g. :func:`trajectory_3d`).
    """
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables", "sane_lists"])
    body = _embed_images(body, Path(folder))
    heads = re.findall(r"<h2>(.*?)</h2>", body)
    for h in heads:
        body = body.replace(f"<h2>{h}</h2>", f'<h2 id="{_anchor(h)}">{h}</h2>', 1)
    nav = "".join(f'<li><a href="#{_anchor(h)}">{h}</a></li>' for h in heads)
    listing = []
    for sub, names in files.items():
        if names:
            items = "".join(f'<li><a href="{sub}/{html.escape(n)}">{sub}/{html.escape(n)}</a></li>'
                            for n in names)
            listing.append(f"<h3>{sub}/</h3><ul class='files'>{items}</ul>")
    files_html = ("<h2 id='files'>Files of this run</h2>" + "".join(listing)) if listing else ""
    extra = f"<h2 id='trajectory-3d'>Trajectories in 3D</h2>{extra_html}" if extra_html else ""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<nav><ul>{nav}</ul></nav>{body}{extra}{files_html}</body></html>\n")
