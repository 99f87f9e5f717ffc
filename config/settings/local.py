"""Local development: `make run`. DEBUG on, a fixed dev secret, mail to the console."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-secret-key-not-for-production-use-0123456789")

# DEBUG shows Django's technical 404 (every URL pattern) to whoever mistypes an address; `make run`
# shows the product's page instead. DJANGO_DEBUG_ERROR_PAGES=true brings Django's page back.
DEBUG_ERROR_PAGES = env.bool("DJANGO_DEBUG_ERROR_PAGES", default=False)
if DEBUG and not DEBUG_ERROR_PAGES:
    # Innermost, so that every other middleware (CommonMiddleware's slash redirect, CSP) still
    # treats its page as it treats any response.
    MIDDLEWARE = [*MIDDLEWARE, "core.middleware.ProductNotFoundPageMiddleware"]  # noqa: F405
