"""canon as a datatrove pipeline step: ``CanonNormalizer``.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from canon_nlp.datatrove import CanonNormalizer

    LocalPipelineExecutor(pipeline=[
        JsonlReader("shards/"),
        CanonNormalizer(search=True),
        JsonlWriter("normalized/"),
    ], tasks=4).run()

Each document keeps its text and gets canon's fields in its metadata:
``lang``, ``lang_confidence``, ``tokens``, ``entities`` (the output
contract's mentions, offsets in code points of the text), ``entity_ids``
(distinct ids in order of first mention), ``boilerplate`` (unless off) and
``token_spans`` (with ``spans=True``). A document canon rejects (binary
data, over ``max_bytes``) is dropped, counted, and written to
``exclusion_writer`` when one is given, with the reason in
``metadata["canon_reject"]``: documents in = out + rejects.

Stats (in the executor's stats.json): ``documents`` (read), ``forwarded``,
``rejects``, ``entity_mentions`` (per document: total, mean, ...),
``lang_<code>`` (documents per detected language).
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched

from ._canon import Canon
from .errors import RejectedError

# The record's fields that go into a document's metadata (normalized_text
# goes to the text instead, with replace_text=True).
_METADATA_FIELDS = (
    "lang",
    "lang_confidence",
    "tokens",
    "token_positions",
    "token_position_lengths",
    "token_spans",
    "entities",
    "entity_ids",
    "boilerplate",
)


class CanonNormalizer(PipelineStep):
    """Runs canon on every document's text, in batches analyzed in parallel
    without the GIL, keeping the documents' order.

    aliases, search, boilerplate, boilerplate_from, spans, max_bytes: as for
        ``canon_nlp.Canon`` (the pipeline is built once per task, on first use,
        so the step pickles to datatrove's workers without it).
    batch_size: documents analyzed together (more keeps the threads busier,
        at the cost of holding that many records).
    jobs: threads per task (default: every core; with several local tasks,
        give cores / tasks).
    replace_text: put the normalized text in ``document.text`` (the entities'
        offsets still refer to the original text, which is then gone).
    exclusion_writer: a datatrove writer for rejected documents.
    """

    name = "canon"
    type = "✏️ - NORMALIZER"

    def __init__(
        self,
        aliases: Any = None,
        *,
        search: bool = False,
        boilerplate: str = "on",
        boilerplate_from: Any = None,
        spans: bool = False,
        max_bytes: int = 64 * 1024 * 1024,
        batch_size: int = 256,
        jobs: Optional[int] = None,
        replace_text: bool = False,
        exclusion_writer: Any = None,
    ):
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.canon_options: Dict[str, Any] = {
            "aliases": aliases,
            "search": search,
            "boilerplate": boilerplate,
            "boilerplate_from": boilerplate_from,
            "spans": spans,
            "max_bytes": max_bytes,
        }
        self.batch_size = batch_size
        self.jobs = jobs
        self.replace_text = replace_text
        self.exclusion_writer = exclusion_writer
        self._canon: Optional[Canon] = None
        # Built here too, so that a broken alias table fails when the
        # pipeline is defined, not in every worker.
        self.canon

    @property
    def canon(self) -> Canon:
        """The pipeline, built on first use in each process."""
        if self._canon is None:
            self._canon = Canon(**self.canon_options)
        return self._canon

    def __getstate__(self) -> Dict[str, Any]:
        # The compiled pipeline does not pickle; workers build their own.
        state = self.__dict__.copy()
        state["_canon"] = None
        return state

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        writer_context = self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext()
        with writer_context as writer:
            for batch in batched(data, self.batch_size):
                yield from self._normalize(batch, writer, rank)

    def _normalize(self, batch: List[Document], writer: Any, rank: int) -> Iterator[Document]:
        with self.track_time(unit="batch"):
            records = self.canon.analyze_batch([d.text for d in batch], self.jobs, on_reject="none")
        for document, record in zip(batch, records):
            self.stat_update("documents")
            if record is None:
                self.stat_update("rejects")
                if writer is not None:
                    document.metadata["canon_reject"] = self._reason(document.text)
                    writer.write(document, rank)
                continue
            self._annotate(document, record)
            self.stat_update("forwarded")
            self.stat_update(f"lang_{record['lang']}")
            self.stat_update("entity_mentions", value=len(record["entities"]))
            self.update_doc_stats(document)
            yield document

    def _reason(self, text: str) -> str:
        """The CLI's reason for rejecting ``text`` (checked before any
        analysis, so asking again costs nothing)."""
        try:
            self.canon.analyze(text)
        except RejectedError as rejected:
            return rejected.reason
        raise AssertionError("a text canon rejected in a batch is rejected alone")

    def _annotate(self, document: Document, record: Dict[str, Any]) -> None:
        metadata = document.metadata
        for field in _METADATA_FIELDS:
            if field in record:
                metadata[field] = record[field]
        if self.replace_text:
            document.text = record["normalized_text"]
