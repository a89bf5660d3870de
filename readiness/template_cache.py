"""Compiled templates kept between runs: compiling the report's templates costs each `report` run,
and each render worker of a batch, about as much as rendering the HTML itself."""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache

from . import user_cache


class TemplateCache(BytecodeCache):
    """Jinja's compiled templates in the user's cache folder (user_cache.py). Jinja keys a template
    by its name and file and checks its source against the kept copy; a copy that does not load is
    ignored. `scope` keeps apart what different environments compile (the report's is sandboxed)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def load_bytecode(self, bucket: Bucket) -> None:
        data = user_cache.read(self._name(bucket))
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # truncated or from another Python: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        name = self._name(bucket)
        user_cache.write(name, bucket.bytecode_to_string(), name)

    def _name(self, bucket: Bucket) -> str:
        return f"template-{self.scope}-{bucket.key}"
