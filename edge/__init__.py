"""What people send, made safe once where it comes in: their text (``edge.text``) and the
addresses they ask to be sent back to (``edge.redirects``).

Django only, so that every app may use it (``accounts`` included, which imports no other app).
"""
