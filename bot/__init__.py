"""Briefing bot: reads news links posted in Slack and answers who said what."""
