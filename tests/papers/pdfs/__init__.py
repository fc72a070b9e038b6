"""PDF fixtures typeset at test time with reportlab, one builder module per failure class."""
