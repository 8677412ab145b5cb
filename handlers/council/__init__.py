"""The People's Council cycle: sessions, voter meetings, grouped items and the session documents.

``documents`` holds the typed content of the three Word documents of a session (compilation
report, appendix to the letter for the UBND, results report). It is pure data: the workflow fills
it from the database and ``bot.documents`` renders it, so neither side depends on the other's
details.
"""
