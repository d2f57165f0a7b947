"""The news delivered: digests (the briefing since the last one and the followed questions with new
sources) sent by email through an outbox, Atom feeds of the latest briefing and the followed
questions, and the tokens that let a feed reader in; channels render the same typed :class:`Digest`."""
