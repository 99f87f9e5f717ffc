"""`make bench`: seed large and small data sets, serve them with gunicorn, measure (issue 8).

See docs/PERFORMANCE.md for what is measured and how to read the figures.
"""
