"""Static files in production: hashed names, compressed copies, module imports rewritten."""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage (every file also under a name with its content's hash,
    served with a year-long, immutable Cache-Control, plus gzip and Brotli copies),
    with one addition: the relative imports between the app's ES modules
    (``static/js/*.mjs``: ``import ... from "./charts.mjs"``) are rewritten to the
    hashed names too, as Django does for ``*.js`` when
    ``support_js_module_import_aggregation`` is on. Otherwise app.<hash>.mjs would
    load charts.mjs by its plain name, which can only be cached for a minute."""

    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        ("*.mjs", HashedFilesMixin._js_module_import_aggregation_patterns[1]),
    )
