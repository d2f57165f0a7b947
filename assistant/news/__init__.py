"""Answers shaped like news: briefings, timelines and comparisons of outlets.

- :mod:`assistant.news.requests`: tells such a request ("brief me on the week") from a question.
- :mod:`assistant.news.dispatch`: the one dispatcher, answering a recognised request with its shape.
- :mod:`assistant.news.briefing`, :mod:`~assistant.news.timeline`, :mod:`~assistant.news.comparison`:
  the three shapes, each filling :class:`~assistant.news.items.NewsItem` data.
- :mod:`assistant.news.period`: the days a briefing covers (the latest with news when those asked
  for have none; a topic's latest stories when no period is named).
- :mod:`assistant.news.context`: what they share (the period, the sources, the topic's passages);
  :mod:`~assistant.news.story_text` and :mod:`~assistant.news.story_writer`: a story's sentences.
"""
