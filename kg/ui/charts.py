"""Charts shared by the Results and Leaderboards pages: ranked Dice bars coloured generalist /
task-specific (model names on the axis, the number at the end of each bar, the source paper on
hover and one click away), and the timeline of models per taxonomy class."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kg.ui.common import month_of, year_of

FRAMEWORKS = ["Generalist", "Task-specific", "unknown"]
FRAMEWORK_COLOURS = ["#4C78A8", "#F58518", "#9D9D9D"]
BAR_STEP = 22  # pixels per bar: a model's name stays readable
NAME_WIDTH = 230  # pixels for the model names on the axis
TIMELINE_WIDTH_PX = 760  # the years' share of a wide page, beside the class names
YEAR_MIN_PX, YEAR_MAX_PX = 90, 140
PANEL_WIDTH = 240  # bars of one panel of a faceted ranking: two panels and their names fit a wide page


def framework_colour(present: set[str] | None = None, title: str | None = "framework") -> alt.Color:
    """Generalist blue, task-specific orange, unknown grey; the legend lists those ``present``."""
    pairs = [(f, c) for f, c in zip(FRAMEWORKS, FRAMEWORK_COLOURS) if present is None or f in present]
    return alt.Color("framework:N", scale=alt.Scale(domain=[f for f, _ in pairs], range=[c for _, c in pairs]),
                     legend=alt.Legend(orient="top", title=title))


def ranked_bars(data: pd.DataFrame, *, tooltip: list, href: str | None = None, facet: str | None = None,
                columns: int = 2) -> alt.Chart:
    """Horizontal bars of ``dice`` per ``model``, best first, coloured by ``framework``; one
    panel per value of ``facet`` when given (each panel ranks its own models)."""
    base = alt.Chart(data)
    # op="max": a layered chart drops a sort by field unless its op is count, min or max
    y = alt.Y("model:N", sort=alt.EncodingSortField("dice", op="max", order="descending"), title=None,
              axis=alt.Axis(labelLimit=NAME_WIDTH))
    x = alt.X("dice:Q", title="Dice (%)", scale=alt.Scale(domain=[0, 100]))
    bars = base.mark_bar().encode(x=x, y=y, color=framework_colour(set(data["framework"])), tooltip=tooltip,
                                  **({"href": f"{href}:N"} if href else {}))
    numbers = base.mark_text(align="left", dx=3, fontSize=11, color="#333333").encode(
        x=x, y=y, text=alt.Text("dice:Q", format=".1f"))
    layered = (bars + numbers).properties(height=alt.Step(BAR_STEP), width=PANEL_WIDTH if facet else "container")
    if facet:
        return layered.facet(facet=alt.Facet(f"{facet}:N", title=None, header=alt.Header(labelFontSize=13,
                                                                                        labelFontWeight="bold")),
                             columns=columns).resolve_scale(y="independent")
    return layered


def timeline_rows(models: pd.DataFrame) -> pd.DataFrame:
    """One row per model and class with its year (first four characters of the date, so a
    gYear, gYearMonth or date alike), month when known, and its slot among the models of the
    same class and year (the timeline stacks them)."""
    if models.empty:
        return models.assign(year=[], month=[], slot=[])
    out = models.copy()
    out["year"] = out["issued"].map(lambda v: str(year_of(v)) if year_of(v) else "undated")
    out["month"] = out["issued"].map(month_of)
    out["date"] = out["issued"].fillna("undated").astype(str)
    out["framework"] = out["framework"].fillna("unknown")
    out = out.sort_values(["class", "year", "month", "model"], na_position="last")
    out["slot"] = out.groupby(["class", "year"]).cumcount()
    return out


def timeline_chart(rows: pd.DataFrame, class_order: list[str], sections: list[str]) -> alt.Chart:
    """Years across, a band per class (its height grows with the busiest year), a labelled
    dot per model coloured by section; a click opens the model's page."""
    years = sorted(y for y in rows["year"].unique() if y != "undated")
    years += ["undated"] if "undated" in set(rows["year"]) else []
    base = alt.Chart(rows)
    x = alt.X("year:O", sort=years, title=None, scale=alt.Scale(domain=years),
              axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=12), bandPosition=0)
    y = alt.Y("slot:O", axis=None, title=None)
    tooltip = ["model", "class", "section", "date", "framework"]
    per_year = max(YEAR_MIN_PX, min(YEAR_MAX_PX, TIMELINE_WIDTH_PX // max(len(years), 1)))
    dots = base.mark_circle(size=70, opacity=0.9).encode(
        x=x, y=y, color=alt.Color("section:N", sort=sections, legend=alt.Legend(orient="bottom", columns=2,
                                                                              labelLimit=380, title=None)),
        tooltip=tooltip, href="url:N")
    names = base.mark_text(align="left", dx=7, fontSize=11, limit=per_year - 14).encode(x=x, y=y, text="model:N",
                                                                              tooltip=tooltip, href="url:N")
    return (dots + names).properties(height=alt.Step(16), width=per_year * len(years)).facet(
        row=alt.Row("class:N", sort=class_order, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=280, labelFontSize=12,
                                      labelOrient="left", labelPadding=8)),
        spacing=6).resolve_scale(y="independent").configure_view(stroke="#eeeeee")
