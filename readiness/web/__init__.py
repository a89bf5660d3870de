"""`readiness serve`: the interview in a browser, for one person alone or a workshop of phones.

The browser is a second screen over readiness/interview.py (the one implementation of the
interview's rules) and writes the same answers files as `readiness assess`. seats.py holds who
answers what and saves it; app.py is the web application; templates/ and static/ its pages.
"""
