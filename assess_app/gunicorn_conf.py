"""gunicorn's settings for the app, shipped in the package so a wheel install has them too:

    gunicorn -c python:assess_app.gunicorn_conf 'assess_app:create_app()'

Any of them can be overridden on the command line after `-c`, e.g. `--bind 0.0.0.0:8000`.
"""

# Create the app once in the master, so every worker shares its configuration, and above all
# its secret key: with a random key per worker, a form rendered by one worker would fail the
# CSRF check in another. Set PLAYBOOK_SECRET_KEY to keep forms valid across restarts too.
preload_app = True
workers = 2
bind = "127.0.0.1:8000"

# Forwarded headers are the app's to believe, from as many proxies as PLAYBOOK_TRUSTED_PROXIES says (ProxyFix):
# gunicorn's own defaults believe a forwarded scheme (X-Forwarded-Proto …) from 127.0.0.1 and from any UNIX socket,
# so with no proxy trusted a local client could still make the app write https:// links.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# No control socket (gunicorn 25.1 and later; an older gunicorn ignores the name): its default path is one per user
# ($XDG_RUNTIME_DIR/gunicorn.ctl, else ~/.gunicorn/gunicorn.ctl), so each gunicorn the same user starts takes it over
# from the one before, and one stopping removes it: `gunicornc` would reach the wrong server. The manual's serving
# page says how to open one at a path of the instance's own.
control_socket_disable = True
