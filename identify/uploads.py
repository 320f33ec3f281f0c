"""Refuse an oversized upload while it streams in, before anything parses it."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict


class MaxSizeUploadHandler(FileUploadHandler):
    """Stops reading a file upload once it passes `limit` bytes.

    Put first in `request.upload_handlers` (the view must be csrf_exempt and
    then csrf_protect itself, so the handlers can change before the body is
    read). A request whose Content-Length is already too large is not read at
    all; otherwise the rest of the body is drained, not parsed. The view checks
    `too_large` and says how big a file may be.
    """

    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + 64 * 1024:  # form fields and boundaries
            # Refused from its length alone: the body is not parsed, so the request has
            # no fields at all. (Raising StopUpload here would escape Django's parser as a 500.)
            self.too_large = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
