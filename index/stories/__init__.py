"""Stories: copies (the same article published elsewhere, :mod:`index.stories.copies`) and groups
(articles about the same event, :mod:`index.stories.groups`)."""
