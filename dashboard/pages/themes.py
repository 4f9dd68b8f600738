"""Themes: labels and top terms, shares over time, the speech x theme map, what was kept out,
how the number of themes was chosen, refits and what they changed, earlier models."""

import pandas as pd
import streamlit as st

from dashboard import analysis, cache, editing, session
from dashboard.controls import editor_gate, reported_errors, show_chart, show_table
from dashboard.downloads import about, csv_button, workbook_button
from dashboard.literal import literal
from dashboard.theme_tables import label_changes
from models.themes.store import (
    PERIODS,
    add_stop_terms,
    current_themes,
    earlier_fits,
    left_out_speeches,
    remove_stop_terms,
    restore_fit,
    set_label,
    stop_terms,
)

st.header("Themes")
notice = session.pop_notice()
if notice:
    st.success(literal(notice), icon=":material/check_circle:")

with reported_errors():
    flt = session.current_filter()
    found = cache.themes()
    catalogue = cache.catalogue(flt)
    version = cache.corpus_version()

if found is None:
    st.info(
        "No themes are fitted yet. Themes are fitted once on the passages of every stored "
        "speech; each new speech is then scored with them at once, without a refit. Here will "
        "appear each theme with its label and top terms, theme shares over time and a speech x "
        "theme map.",
        icon=":material/info:",
    )
    if editor_gate("fit themes", key="themes_fit_gate") and st.button(
        "Fit themes now", type="primary", key="themes_fit"
    ):
        with st.spinner("Fitting themes..."), reported_errors():
            fitted = current_themes(cache.get_store())
        session.set_notice(f"Fitted {len(fitted.theme_ids)} themes.")
        st.rerun()
    st.stop()

themes_now = found  # for the pickers' labels: a name that is never None
table = found.themes(n_terms=10)
st.subheader(f"{len(table)} themes")
fitted_on = f"fitted {found.fitted_at[:10]}, " if found.fitted_at else ""
st.caption(
    f"Themes {fitted_on}on {found.n_words_at_fit:,} words. Edit a label and save; an empty "
    "label goes back to the top terms. Procedure and ceremony are kept out of the themes "
    f"({len(found.boilerplate)} terms, listed under Kept out of the themes)."
)
left_out = left_out_speeches(found, catalogue)
if not left_out.empty:
    by_language = left_out["language"].value_counts().sort_index()
    st.warning(
        literal(
            f"Themes are fitted on the speeches in {found.language!r}, the language most "
            "speeches are in: words of two languages share no theme. Left out of the themes, "
            "with no share in any: "
            + ", ".join(f"{n} in {code!r}" for code, n in by_language.items())
            + " (listed under Speeches in other languages)."
        ),
        icon=":material/translate:",
    )
    with st.expander("Speeches in other languages", icon=":material/translate:"):
        show_table(left_out, key="themes_left_out", file_name="themes-left-out.csv")
edited = st.data_editor(
    table,
    hide_index=True,
    disabled=["theme", "terms"],
    column_config={
        "label": st.column_config.TextColumn("label", width="medium"),
        "terms": st.column_config.TextColumn("top terms", width="large"),
    },
    key="themes_labels",
)
csv_button(table, file_name="themes.csv", key="themes_csv", label="CSV of themes")
changes = label_changes(table, edited, user_labelled=found.user_labelled)
if changes and not editing.is_editor():
    editor_gate("save theme labels", key="themes_label_gate")
elif st.button(f"Save {len(changes)} label(s)", disabled=not changes, key="themes_save_labels"):
    with reported_errors():
        for theme, label in changes.items():
            set_label(cache.get_store(), theme, label)
    session.set_notice(f"Saved {len(changes)} label(s).")
    st.rerun()

# -- shares over time: the top themes one by one, the rest together -------------------------
period = st.segmented_control(
    "Period",
    list(PERIODS),
    default=analysis.DEFAULT_PERIOD,
    key="themes_period",
    bind="query-params",
)
period = period or analysis.DEFAULT_PERIOD
stacked = st.toggle("Stacked areas", value=analysis.DEFAULT_STACKED, key="themes_stacked")
options = sorted(found.theme_ids)
chosen = st.session_state.get("themes_shown")
if isinstance(chosen, list) and any(t not in options for t in chosen):
    # themes of an earlier fit: forget them before drawing the picker
    st.session_state["themes_shown"] = [t for t in chosen if t in options]
shown = analysis.shown_themes(found, flt, period, st.session_state.get("themes_shown"))
picked = st.multiselect(
    f"Themes drawn one by one (the others add up to 'other themes'; at most "
    f"{analysis.MAX_SHOWN_THEMES})",
    options,
    default=list(shown),
    format_func=lambda t: f"{t}: {themes_now.labels[t]}",
    max_selections=analysis.MAX_SHOWN_THEMES,
    key="themes_shown",
)
shown = analysis.shown_themes(found, flt, period, picked)
mix, over_time = analysis.theme_shares(found, flt, period)
if over_time.empty:
    st.info("No speech of the selection has a theme mix; widen the filters in the sidebar.")
else:
    chart = analysis.theme_shares_chart(found, flt, period, stacked=stacked, shown=shown)
    show_chart(chart, key="themes_over_time")
    if over_time["period"].nunique() < 2:
        st.caption(
            "All the selected speeches fall in one period: lines over time appear once "
            "speeches from other periods are added."
        )

# -- the speech x theme map, a page at a time -------------------------------------------------
n_pages = analysis.theme_map_pages(flt)
page = 1
if n_pages > 1:
    page = int(
        st.number_input(
            f"Map page (of {n_pages}; {analysis.MAP_PAGE_SPEECHES} speeches a page, latest first)",
            min_value=1,
            max_value=n_pages,
            value=1,
            step=1,
            key="themes_map_page",
        )
    )
heatmap = analysis.theme_heatmap(found, flt, page)
if heatmap is not None:
    show_chart(heatmap, key="themes_heatmap")
    if n_pages > 1:
        first = (page - 1) * analysis.MAP_PAGE_SPEECHES + 1
        last = min(page * analysis.MAP_PAGE_SPEECHES, len(catalogue))
        st.caption(
            f"Speeches {first:,}-{last:,} of {len(catalogue):,} selected, latest first; choose "
            "another page above or narrow the filters in the sidebar."
        )

# -- what was kept out, and the user's stop terms ---------------------------------------------
with st.expander("Kept out of the themes", icon=":material/filter_alt:"):
    st.caption(
        "Terms in most speeches of every period and speaker, and terms said mostly in openings "
        "and closings (salutations, congratulations, thanks), are learned from the corpus and "
        "kept out of the themes; so are your stop terms, with every phrase that holds one."
    )
    kept_out = pd.DataFrame(
        [{"term": t, "reason": r} for t, r in found.boilerplate.items()],
        columns=["term", "reason"],
    )
    show_table(kept_out, key="themes_kept_out", file_name="themes-kept-out.csv")
    stops = stop_terms(cache.get_store())
    pending = sorted(set(stops) ^ set(found.stop_terms))
    if pending:
        st.info(
            "Stop terms changed since the last fit; they apply at the next refit "
            f"({', '.join(literal(t) for t in pending)}).",
            icon=":material/info:",
        )
    if editor_gate("change stop terms", key="themes_stop_gate"):
        typed = st.text_input(
            "Add stop terms (comma-separated words or phrases)",
            key="themes_stop_add",
            placeholder="e.g. kofi annan, mr president",
        )
        if st.button("Add", key="themes_stop_add_button", disabled=not typed.strip()):
            with reported_errors():
                added = add_stop_terms(
                    cache.get_store(), [t for t in typed.split(",") if t.strip()]
                )
            session.set_notice(
                f"Added {len(added)} stop term(s); refit the themes to apply them."
                if added
                else "Those stop terms were already there."
            )
            st.rerun()
        removable = st.multiselect("Your stop terms", stops, key="themes_stop_remove")
        if st.button("Let them back in", key="themes_stop_remove_button", disabled=not removable):
            with reported_errors():
                removed = remove_stop_terms(cache.get_store(), removable)
            session.set_notice(f"Removed {len(removed)} stop term(s); refit to apply.")
            st.rerun()

# -- how the number of themes was chosen ------------------------------------------------------
with st.expander("How many themes", icon=":material/tune:"):
    if found.quality:
        quality = pd.DataFrame(found.quality).sort_values("k")
        quality["chosen"] = quality["k"] == len(found.theme_ids)
        chosen_here = len(found.theme_ids) in set(quality["k"])
        st.caption(
            "Each number of themes tried, with the coherence of its themes (NPMI of the top "
            "terms: higher reads better) and their stability across random starts (1 = the "
            "same themes every time; 0.8 or more counts as stable). The default is the most "
            "coherent stable number from a floor that grows with the corpus; choose another "
            "under Refit the themes."
            + (
                ""
                if chosen_here
                else f" The {len(found.theme_ids)} themes now were asked for; "
                "the table is from the last automatic choice."
            )  # fmt: skip
        )
        show_chart(analysis.quality_chart(found), key="themes_quality_chart")
        show_table(quality, key="themes_quality", file_name="themes-quality.csv")
    else:
        st.caption("The number of themes was given, not chosen from the data.")

# -- refits, what they changed, earlier models ------------------------------------------------
with st.expander("Refit the themes", icon=":material/refresh:"):
    st.caption(
        f"The themes were fitted on {found.n_words_at_fit:,} words; they are refitted on their "
        "own once the corpus grows by a quarter. A refit says which themes were kept, changed, "
        "split, merged, new or gone; only themes that keep their meaning keep their number "
        "and label, and the model it replaced can be restored."
    )
    n_topics = st.number_input(
        "Number of themes", 2, 40, value=len(found.theme_ids), key="themes_n"
    )
    if editor_gate("refit the themes", key="themes_refit_gate") and st.button(
        "Refit now", key="themes_refit"
    ):
        with st.spinner("Refitting themes..."), reported_errors():
            current_themes(cache.get_store(), n_topics=int(n_topics), refit=True)
        session.set_notice("Themes refitted; what changed is listed under Refit the themes.")
        st.rerun()
    if found.n_changed is not None and not found.changes.empty:
        counts = found.changes["status"].value_counts()
        st.markdown(
            f"**Last refit** ({literal(found.fit_reason or 'asked for')}): "
            + ", ".join(f"{n} {literal(str(status))}" for status, n in counts.items())
        )
        show_table(found.changes, key="themes_refit_report", file_name="refit-changes.csv")
    earlier = earlier_fits(cache.get_store())
    if earlier:
        # the options are the readable names themselves, each ending with its fit id
        names: dict[str, str] = {
            f"{str(e['fitted_at'])[:16] or 'earlier'} · {e['n_themes']} themes on "
            f"{int(str(e['n_words_at_fit'])):,} words · {e['fit_id']}": str(e["fit_id"])
            for e in earlier
        }
        picked_name = st.selectbox("Earlier models", list(names), key="themes_earlier")
        picked_fit = names.get(str(picked_name), "")
        if editor_gate("restore an earlier model", key="themes_restore_gate") and st.button(
            "Restore this model", key="themes_restore"
        ):
            with st.spinner("Restoring the themes..."), reported_errors():
                restore_fit(cache.get_store(), str(picked_fit))
            session.set_notice("Restored the earlier theme model and its labels.")
            st.rerun()

over_time_sheet = over_time if not over_time.empty else pd.DataFrame()
workbook_button(
    {"themes": table, "shares over time": over_time_sheet, "speech mix": mix},
    about_rows=about(page="Themes", flt=flt, version=version, extra={"Period": period}),
    file_name="themes.xlsx",
    key="themes_workbook",
)
show_table(
    over_time_sheet,
    key="themes_over_time",
    file_name="theme-shares-over-time.csv",
    caption="Theme shares over time",
)
