"""The chat's panels: Articles (upload, list), feeds followed, briefing, conversations, followed questions."""
