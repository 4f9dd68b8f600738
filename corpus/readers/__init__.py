"""Files to text: telling a file's format from its bytes and reading it, within a budget.

`ingest` is the entry point for one uploaded file (`read_file`, `sniff_format`); it hands the bytes
to the reader of their format: `decode` (plain text in any encoding), `webpage` (saved HTML),
`office` (Word and PDF) and `archive` (ZIP, member by member). `tables` and `table_formats` read
tables of many speeches, one per row. `guard` runs the readers in a child process with a time and
memory budget; `priority` and `preload` are what that process imports first.

Nothing is imported here, so that loading one reader does not load them all.
"""
