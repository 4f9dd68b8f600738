"""Cited figures: the numbers speeches cite, what each counts, and the series they form across speeches."""
