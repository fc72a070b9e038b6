"""What members write about papers. Annotations, comments, links and flags arrive with issue 5;
the app exists now because exports live here (annotations/exports/)."""
