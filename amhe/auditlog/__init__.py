"""The audit log's pages (filter, page through, CSV). The log itself, its model and
`record` are the core's (amhe.core.audit); the pages sit one layer up, beside the
survey engine, because their CSV goes through amhe.analysis's csv_safe, which the
core may not import (.importlinter)."""
