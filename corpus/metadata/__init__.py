"""What a speech is, read from its text and its file: speaker, date, place, country, title.

`parse` reads a transcript's metadata from its title line, header lines, dateline and file name
(`parse_document`) and tells its language, with the help of `titles` (title lines: speaker, role,
country, place) and `dates` (dates as people write them). `countries` gives every country one
ISO 3166 code, and `speakers` tidies speakers' names for display and merges their variants.

Nothing is imported here, so that loading one part does not load them all.
"""
