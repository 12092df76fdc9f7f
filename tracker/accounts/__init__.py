"""Who may see and change what: accounts, their scopes, and e-mailed sign-in links.

Plain Python over the session: the web layer asks these functions, never the models
directly, so a rule lives in one place.
"""
