"""Type stubs of canon_nlp._canon, the compiled extension (python/src/lib.rs).

The record shapes below are the JSON output contract of ``canon normalize``
(README, "Output contract"); every offset is in code points of the text
given, i.e. Python ``str`` indices: ``text[start:end] == surface``.
"""

import os
from typing import Iterable, List, Literal, Optional, Sequence, TypedDict, Union

from typing_extensions import NotRequired

__version__: str

_Path = Union[str, "os.PathLike[str]"]
_Paths = Union[_Path, Sequence[_Path]]

class Entity(TypedDict):
    """One entity mention of a record's ``entities``."""

    id: str
    """The entity's canonical id (``moonshot-ai``)."""
    name: str
    """The entity's display name."""
    wikidata: NotRequired[str]
    """The Wikidata item id (``Q42``), when the entity's table gives one."""
    surface: str
    """The mention as written in the text."""
    start: int
    """Code-point offset of the mention in the text."""
    end: int
    """Code-point offset just past the mention."""
    parents: List[str]
    """Ids of the entity's ancestors, parent first (``[]`` when none)."""
    boilerplate: NotRequired[bool]
    """``True`` for a mention inside page furniture (only with ``boilerplate="keep"``)."""

class BoilerplateSpan(TypedDict):
    """A stretch of page furniture, whole lines."""

    start: int
    """Code-point offset in the text."""
    end: int
    """Code-point offset just past the span."""
    reason: str
    """``disclaimer``, ``widget``, ``ticker``, ``related``, ``byline``, ``repeated``,
    ``copyright``, ``cookie``, ``newsletter``, ``nav``, ``comments``, ``header``,
    ``sidebar`` or ``other``."""

class LangSpan(TypedDict):
    """A run of the text in one language."""

    start: int
    """Code-point offset in the text."""
    end: int
    """Code-point offset just past the run."""
    lang: str
    """The run's language code, as ``lang``."""

class Record(TypedDict):
    """canon's fields of the record ``canon normalize`` writes for ``{"text": text}``."""

    lang: str
    """ISO 639-1 code (``en``, ``zh``, ...; 639-3 where there is no 639-1; ``und``)."""
    lang_confidence: float
    """0 to 1: the estimated probability that ``lang`` is right."""
    lang_spans: NotRequired[List[LangSpan]]
    """The language runs tiling the text, only when it has more than one."""
    normalized_text: str
    """The normalized text (NFKC, invisibles removed, quotes folded, whitespace collapsed)."""
    tokens: List[str]
    """The index terms in position order: each word, then what is stacked on it
    (search-mode parts, a Korean stem), then the ids (and ancestors' ids) of the
    entity mentions that start at it."""
    token_positions: List[int]
    """The position of each term, parallel to ``tokens`` (words take consecutive
    positions; stacked terms and ids share their word's)."""
    token_position_lengths: List[List[int]]
    """``[index, length]`` for each term whose position length is not 1: an entity
    id spanning a mention of ``length`` words (Lucene's synonym graph)."""
    token_spans: NotRequired[List[List[int]]]
    """Only with ``spans=True``: ``[start, end]`` code-point offsets, parallel to ``tokens``."""
    entities: List[Entity]
    """Entity mentions in text order."""
    entity_ids: List[str]
    """The distinct ids of the entities mentioned, each with its ancestors, in order
    of first mention (for filters and facets)."""
    boilerplate: NotRequired[List[BoilerplateSpan]]
    """Page furniture in text order (absent with ``boilerplate="off"``)."""

class Candidate(TypedDict):
    """An alias whose key the looked-up name has."""

    id: str
    name: str
    kind: str
    alias: str
    """The alias as written in its table."""
    lang: str
    """The alias's language tag (``en``, ``zh-Hant``, ...)."""
    needs: List[str]
    """What the alias requires of a mention (exact case, ...)."""
    matches_case: bool
    """Whether the name meets those requirements."""

class Suggestion(TypedDict):
    """A known alias close to an unknown name."""

    alias: str
    id: str

class Lookup(TypedDict):
    """What ``canon alias lookup --json`` writes for one name."""

    query: str
    id: Optional[str]
    """The entity the name resolves to; ``None`` when unknown or ambiguous."""
    name: Optional[str]
    kind: Optional[str]
    """``org``, ``person``, ``place``, ``product``, ... (``None`` when unresolved)."""
    alias: Optional[str]
    """The alias that matched, as written in its table."""
    ambiguous: bool
    candidates: List[Candidate]
    suggestions: List[Suggestion]

class Canon:
    """canon's pipeline, built once: the alias tables and the Chinese dictionary
    load at construction, then ``analyze``, ``analyze_batch`` and ``lookup``
    reuse them (from any number of threads)."""

    def __init__(
        self,
        aliases: Optional[_Paths] = None,
        *,
        default_table: bool = True,
        search: bool = False,
        boilerplate: Literal["on", "keep", "off"] = "on",
        boilerplate_from: Optional[_Paths] = None,
        spans: bool = False,
        offsets: Literal["chars"] = "chars",
        max_bytes: int = 67108864,
    ) -> None:
        """Loads the pipeline.

        aliases: extra alias tables (paths, as ``canon normalize --aliases``).
        default_table: ``False`` leaves the default table out, the ``aliases``
            alone (``--no-default-table``); a compiled table decided it when compiled,
            and one that holds the default table raises CanonError with ``False``.
        search: search mode (``--search``).
        boilerplate: ``"on"``, ``"keep"`` or ``"off"`` (``--boilerplate``).
        boilerplate_from: furniture files (``--boilerplate-from``).
        spans: also give ``token_spans`` (``--spans``).
        offsets: the unit of every offset: code points.
        max_bytes: texts longer than this many UTF-8 bytes are rejected (``--max-bytes``).

        Raises AliasTableError (``file:line: message`` per problem) or CanonError."""
    def analyze(self, text: str) -> Record:
        """The record of one text. Raises RejectedError (binary data, over max_bytes)."""
    def analyze_batch(
        self,
        texts: Iterable[str],
        jobs: Optional[int] = None,
        *,
        on_reject: Literal["raise", "none"] = "raise",
    ) -> List[Optional[Record]]:
        """The records of ``texts``, in input order, analyzed on ``jobs`` threads
        (default: every core) without the GIL. A rejected text raises RejectedError
        (``on_reject="raise"``) or gives ``None`` (``on_reject="none"``).

        Python's garbage collector is paused for the call (process-wide) and
        restored when it returns or raises."""
    def analyze_batch_json(
        self,
        texts: Iterable[str],
        jobs: Optional[int] = None,
        *,
        on_reject: Literal["raise", "none"] = "raise",
    ) -> List[Optional[str]]:
        """``analyze_batch`` with each record as one line of JSON (no newline)."""
    def lookup(self, name: str) -> Lookup:
        """What ``name`` resolves to, as ``canon alias lookup --json`` writes it."""
    @property
    def warnings(self) -> List[str]:
        """Problems of the alias tables that do not stop matching, as ``file:line: message``."""
