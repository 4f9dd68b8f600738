"""Upload: several transcripts or tables at once, metadata confirmed before anything is stored."""

import streamlit as st

from corpus.importer import prepare_uploads, store_prepared
from corpus.records import DATE_PRECISIONS, SpeechFilter
from dashboard import cache, session
from dashboard.controls import editor_gate, reported_errors, show_table
from dashboard.downloads import about, workbook_button
from dashboard.example_panel import example_notice, n_example_speeches, offer_example
from dashboard.literal import literal
from dashboard.settings import PROGRESS_ROWS
from dashboard.upload_flow import (
    PREPARED_COLUMNS,
    apply_corrections,
    prepared_frame,
    refused,
    reports_frame,
    summary,
)

st.header("Upload")
st.caption(
    "Transcripts (txt, html, docx, pdf), zip archives of them, and tables of speeches "
    "(csv, tsv, jsonl, parquet, xlsx). Nothing is stored until you confirm the metadata."
)

if not editor_gate("upload speeches", key="upload_gate"):
    st.stop()

with st.expander("Example corpus", icon=":material/school:"):
    n_examples = n_example_speeches(cache.catalogue(SpeechFilter()))
    if n_examples:
        example_notice(n_examples, key="upload_remove_example")
    else:
        offer_example(key="upload_load_example")

files = st.file_uploader(
    "Transcripts, archives or tables", accept_multiple_files=True, key="upload_files"
)

signature = tuple((f.file_id, f.name, f.size) for f in files or [])
pending = session.upload_items()
if pending is not None and pending[0] != signature:
    session.set_upload_reports(None)  # another set of files: the last report is done with

reports = session.upload_reports()
if reports:
    st.success(f"Upload stored: {summary(reports)}", icon=":material/check_circle:")
    report_table = reports_frame(reports)
    show_table(report_table, key="upload_report", file_name="upload-report.csv")
    workbook_button(
        {"upload report": report_table},
        about_rows=about(page="Upload", flt=SpeechFilter(), version=cache.corpus_version()),
        file_name="upload-report.xlsx",
        key="upload_workbook",
        label="Excel workbook of the report",
    )

if not files:
    session.set_upload_items(None)
    st.info("Choose one or more files above; their metadata will be shown here for checking.")
    st.stop()

if pending is None or pending[0] != signature:
    bar = st.progress(0.0, text="Reading files...") if len(files) > 1 else None

    def read_so_far(done: int) -> None:
        if bar is not None:
            bar.progress(done / len(files), text=f"Read {done} of {len(files)} files")

    with st.spinner(f"Reading {len(files)} file(s)..."):
        items = prepare_uploads(
            ((uploaded.name, uploaded.getvalue()) for uploaded in files), progress=read_so_far
        )
    if bar is not None:
        bar.empty()
    session.set_upload_items([signature, items, False])
    pending = session.upload_items() or [signature, items, False]
_, items, done = pending

if done:
    st.stop()

bad = refused(items)
if bad:
    st.warning(f"{len(bad)} file(s) cannot be stored; the reasons are below.")
    show_table(reports_frame(bad), key="upload_refused", file_name="refused-files.csv")

table = prepared_frame(items)
if table.empty:
    st.stop()

st.subheader(f"Check the metadata of {len(table)} speech(es)")
st.caption("Correct any cell, untick a row to leave that speech out, then store.")
edited = st.data_editor(
    table,
    hide_index=True,
    num_rows="fixed",
    disabled=["file", "words", "warnings"],
    column_order=PREPARED_COLUMNS,
    column_config={
        "store": st.column_config.CheckboxColumn("store", width="small"),
        "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", required=True),
        "precision": st.column_config.SelectboxColumn(
            "known to the", options=list(DATE_PRECISIONS), required=True
        ),
        "words": st.column_config.NumberColumn("words", format="%d"),
        "language": st.column_config.TextColumn(
            "language", help="ISO 639-1 code, detected from the text (ru, uk, fr...)", width="small"
        ),
        "title": st.column_config.TextColumn("title", required=True, width="large"),
    },
    key="upload_editor",
)

n_chosen = int(edited["store"].sum())
if st.button(
    f"Store {n_chosen} speech(es)", type="primary", disabled=n_chosen == 0, key="upload_store"
):
    to_store, problems = apply_corrections(items, edited)
    if problems:
        for problem in problems:
            st.error(literal(problem))
        st.stop()
    with reported_errors():
        bar = st.progress(0.0, text="Storing...") if n_chosen > PROGRESS_ROWS else None
        done_count = [0]

        def advance(n: int) -> None:
            done_count[0] += n
            if bar is not None:
                bar.progress(min(1.0, done_count[0] / len(to_store)), text="Storing...")

        result = store_prepared(cache.get_store(), to_store, progress=advance)
    session.set_upload_items([signature, items, True])
    session.set_upload_reports(result)
    # once the report is drawn, the derived data grow by the stored speeches (models.derived)
    session.mark_corpus_changed()
    st.rerun()
