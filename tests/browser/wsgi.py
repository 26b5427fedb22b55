"""The site as the browser tests serve it: the production WSGI application, with uploads
under /media/ served from MEDIA_ROOT the way nginx serves them in production
(docs/deploy.md). WhiteNoise looks each upload up on request (autorefresh), since members
upload during the tests."""

import os

from whitenoise import WhiteNoise

from config.wsgi import application as site

application = WhiteNoise(site, root=os.environ["MEDIA_ROOT"], prefix="/media/", autorefresh=True)
