"""Schemathesis hooks for ./scripts/fuzz-api.

The import endpoints take NDJSON bodies, which the document describes as a
string; schemathesis has no serializer for that media type, so it sends
them the way it sends text/plain.
"""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
