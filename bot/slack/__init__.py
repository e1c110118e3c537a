"""The Slack side: the app, its server, listeners, Block Kit, OAuth and App Home. Thin: every feature lives below."""
