"""The `speechtrack` command line: the scriptable face of the corpus and the analyses.

`main` holds the entry point (`speechtrack` runs `cli.main.main`) and the corpus's own subcommands
(add, list, show, search, import-table, backups). Each other module adds its subcommands:
`themes`, `compare`, `figures`, `speakers`, `export`, and `dashboard`, which starts the Streamlit
server as a program of its own. `output` prints tables as aligned text, CSV or JSON.

The command line calls `models` and `corpus`, reads the environment and prints; neither package
below it does either, and it never imports Streamlit.
"""
