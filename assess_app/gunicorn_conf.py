"""gunicorn settings picked up from the repository root: `gunicorn 'assess_app:create_app()'`."""

# Create the app once in the master, so every worker shares its configuration, and above all
# its secret key: with a random key per worker, a form rendered by one worker would fail the
# CSRF check in another. Set PLAYBOOK_SECRET_KEY to keep forms valid across restarts too.
preload_app = True
workers = 2
bind = "127.0.0.1:8000"
