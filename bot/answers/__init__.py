"""From stored statements to answers: routing, topics, date windows, wording, and one renderer per medium."""
