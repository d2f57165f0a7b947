"""Where articles come from: files, web pages, feeds and sitemaps, the follow list and its follower.

- :mod:`index.sources.files`: article files (JSON, text, HTML, ...) into :class:`~index.articles.Article`.
- :mod:`index.sources.extract` (with :mod:`~index.sources.charset`): a news page's article, by trafilatura.
- :mod:`index.sources.fetching`: the bounded, polite HTTP client; :mod:`~index.sources.reader` reads an
  address (page, feed or sitemap) into articles.
- :mod:`index.sources.follow_list` (the followed addresses), :mod:`~index.sources.follower` (polls them
  into the index), :mod:`~index.sources.watch` (a folder), :mod:`~index.sources.uploads` (the chat's files),
  :mod:`~index.sources.web_commands` (``python -m index fetch|follow``).
"""
