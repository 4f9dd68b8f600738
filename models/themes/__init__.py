"""Themes of speeches: NMF topics fitted on TF-IDF passages, kept in the store with stable numbers.

`store` is what the dashboard and the command line call (`current_themes`, `set_label`,
`theme_mix`): the fitted model kept in the database, refitted when the corpus has grown. It fits a
`topics.TopicModel`, in memory or, for large corpora, out of core (`stream`). `vectorize` cuts
speeches into passages and counts their terms, `terms` keeps boilerplate out and makes the labels,
and `quality` scores topics and chooses how many there are.

Nothing is imported here, so that loading one part does not load them all.
"""
