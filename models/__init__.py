"""Analyses of the corpus: TF-IDF themes, comparison, keyness, statistics and cited figures."""
