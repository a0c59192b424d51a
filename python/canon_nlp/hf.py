"""canon as a Hugging Face ``datasets`` batched map function.

    from datasets import load_dataset
    from canon_nlp.hf import CanonMap

    dataset = load_dataset("json", data_files="articles.jsonl", split="train")
    normalize = CanonMap(search=True)
    dataset = dataset.map(normalize, batched=True, batch_size=512,
                          features=normalize.features(dataset.features))

or ``canon_nlp.hf.normalize(dataset, search=True)``, which does the same.

Each row gets canon's fields as columns: ``lang``, ``lang_confidence``,
``normalized_text``, ``tokens``, ``token_spans`` (with ``spans=True``),
``entities``, ``boilerplate`` (unless off), and ``canon_reject``: ``None``,
or the CLI's reason for a text canon rejects (binary data, over
``max_bytes``), whose other columns are then ``None``. No row is dropped.

Arrow columns have one type, so every mention in ``entities`` has every key:
``wikidata`` is ``None`` when its table gives none (the CLI leaves the key
out), and ``boilerplate`` (``False`` outside furniture) is there only with
``boilerplate="keep"``. Pass ``features=`` as above: without it, the types
are guessed from the first batch, which fails when it has no mention.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._canon import Canon
from .errors import RejectedError


class CanonMap:
    """A batched ``Dataset.map`` function running canon on ``text_column``.

    aliases, search, boilerplate, boilerplate_from, spans, max_bytes: as for
        ``canon_nlp.Canon`` (built once per process on first use, so the map
        pickles to ``num_proc`` workers and fingerprints without it).
    text_column: the column holding the text.
    jobs: threads per call (default: every core; with ``num_proc=N`` give
        cores / N).
    """

    def __init__(
        self,
        aliases: Any = None,
        *,
        search: bool = False,
        boilerplate: str = "on",
        boilerplate_from: Any = None,
        spans: bool = False,
        max_bytes: int = 64 * 1024 * 1024,
        text_column: str = "text",
        jobs: Optional[int] = None,
    ):
        self.canon_options: Dict[str, Any] = {
            "aliases": aliases,
            "search": search,
            "boilerplate": boilerplate,
            "boilerplate_from": boilerplate_from,
            "spans": spans,
            "max_bytes": max_bytes,
        }
        self.text_column = text_column
        self.jobs = jobs
        self._canon: Optional[Canon] = None
        # Built now so that a broken alias table fails here, not in map.
        self.canon

    @property
    def canon(self) -> Canon:
        """The pipeline, built on first use in each process."""
        if self._canon is None:
            self._canon = Canon(**self.canon_options)
        return self._canon

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_canon"] = None
        return state

    def columns(self) -> List[str]:
        """The columns the map writes, in order."""
        names = ["lang", "lang_confidence", "normalized_text", "tokens", "token_positions", "token_position_lengths"]
        if self.canon_options["spans"]:
            names.append("token_spans")
        names += ["entities", "entity_ids"]
        if self.canon_options["boilerplate"] != "off":
            names.append("boilerplate")
        names.append("canon_reject")
        return names

    def features(self, input_features: Any = None) -> Any:
        """``datasets.Features`` of the mapped dataset: ``input_features`` (the
        dataset's ``features``) with canon's columns added or replaced."""
        from datasets import Features, Value

        try:
            from datasets import List as Seq  # datasets >= 4
        except ImportError:  # pragma: no cover - older datasets
            from datasets import Sequence as Seq

        mention = {
            "id": Value("string"),
            "name": Value("string"),
            "wikidata": Value("string"),
            "surface": Value("string"),
            "start": Value("int64"),
            "end": Value("int64"),
            "parents": Seq(Value("string")),
        }
        if self.canon_options["boilerplate"] == "keep":
            mention["boilerplate"] = Value("bool")
        ours = {
            "lang": Value("string"),
            "lang_confidence": Value("float64"),
            "normalized_text": Value("string"),
            "tokens": Seq(Value("string")),
            "token_positions": Seq(Value("int64")),
            "token_position_lengths": Seq(Seq(Value("int64"))),
            "token_spans": Seq(Seq(Value("int64"))),
            "entities": Seq(mention),
            "entity_ids": Seq(Value("string")),
            "boilerplate": Seq({"start": Value("int64"), "end": Value("int64"), "reason": Value("string")}),
            "canon_reject": Value("string"),
        }
        merged = dict(input_features or {})
        for name in self.columns():
            merged[name] = ours[name]
        return Features(merged)

    def __call__(self, batch: Dict[str, List[Any]]) -> Dict[str, List[Any]]:
        texts = batch[self.text_column]
        records = self.canon.analyze_batch(texts, self.jobs, on_reject="none")
        columns: Dict[str, List[Any]] = {name: [] for name in self.columns()}
        keep = self.canon_options["boilerplate"] == "keep"
        for text, record in zip(texts, records):
            if record is None:
                for name, values in columns.items():
                    values.append(None)
                columns["canon_reject"][-1] = self._reason(text)
                continue
            for name, values in columns.items():
                if name == "entities":
                    values.append([_mention(m, keep) for m in record["entities"]])
                elif name == "canon_reject":
                    values.append(None)
                else:
                    values.append(record[name])
        return columns

    def _reason(self, text: str) -> str:
        """The CLI's reason for rejecting ``text`` (checked before any
        analysis, so asking again costs nothing)."""
        try:
            self.canon.analyze(text)
        except RejectedError as rejected:
            return rejected.reason
        raise AssertionError("a text canon rejected in a batch is rejected alone")


def _mention(mention: Dict[str, Any], keep: bool) -> Dict[str, Any]:
    """A mention with every key of its Arrow struct."""
    mention.setdefault("wikidata", None)
    if keep:
        mention.setdefault("boilerplate", False)
    return mention


def normalize(dataset: Any, *, batch_size: int = 512, num_proc: Optional[int] = None, **options: Any) -> Any:
    """``dataset`` with canon's columns: ``dataset.map(CanonMap(**options),
    batched=True, features=...)``."""
    function = CanonMap(**options)
    return dataset.map(
        function,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        features=function.features(dataset.features),
    )
