"""gunicorn's settings, for the image and compose.yaml:

    gunicorn --config python:roadmap_site.gunicorn roadmap_site.wsgi

Threads with keep-alive; PORT and WEB_CONCURRENCY (processes) come from the environment.
"""

import os

from roadmap_site.settings import LOGGING

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 4
keepalive = 5
# The site logs every request itself, with its id (roadmap_site.middleware); gunicorn's own
# messages (workers starting, a worker timing out) go through the same handler, as JSON lines too.
accesslog = None
logconfig_dict = LOGGING
# Whether a request came over HTTPS is for the site to decide, from TRUSTED_PROXY_COUNT; left to
# itself, gunicorn would believe X-Forwarded-Proto from any client on 127.0.0.1.
forwarded_allow_ips = ""
# gunicorn's runtime control socket (gunicornc) would need a writable home; the image has none.
control_socket_disable = True
