"""Insights: the group's reading of a paper, seen whole (docs/insights.md).

`readings` reads the tags the reader may see and applies blind mode; `alpha` is Krippendorff's
alpha (pure Python); `agreement` the paper's agreement, per section and member, and the
disagreements; `argument` the annotations and links as a graph; `overview` the group page's
summary of each paper; `api`, `views` and the templates in templates/annotations/insights/ are
its surfaces, `static/insights/` the map's script.
"""
