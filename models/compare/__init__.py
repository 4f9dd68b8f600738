"""Comparing speeches and groups of speeches, and following terms and names through the corpus.

`keyness` counts every speech's terms once (`term_counts`) and compares from those counts: the
terms that tell two groups apart (keyness), the distinctive terms of one speech, theme shares side
by side and the most similar speeches. `stats` gives each speech's length, sentences and
readability, a term's use over time and its concordance; `mentions` counts the countries and
international organisations speeches name.

Nothing is imported here, so that loading one part does not load them all.
"""
