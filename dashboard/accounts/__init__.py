"""Users and sign-in.

* :mod:`dashboard.accounts.users`: the user and sign-in throttle tables, password
  hashing, lock-out counting (storage; the ``user`` command uses it too).
* :mod:`dashboard.accounts.session`: who is signed in (``current_user``), CSRF tokens,
  the sign-in routes (blueprint ``bp``, registered by :mod:`dashboard.factory`) and the
  checks for endpoints and callbacks (``api_login_required``, ``allowed_user``,
  ``private_callback``, ``safe_next``).
* :mod:`dashboard.accounts.pages`: the sign-in page's HTML.

Users are managed from the command line (``python app.py user ...``); there is no
sign-up page.
"""
