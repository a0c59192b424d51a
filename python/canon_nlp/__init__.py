"""canon for Python: the pipeline of the ``canon`` command line, run in-process.

canon normalizes multilingual article text for search indexing: Unicode
normalization with offsets into the original, language detection,
segmentation (jieba's algorithm for Chinese, a Unicode word tokenizer tuned
for English otherwise), page furniture marked, and entity names mapped onto
canonical ids through an alias table.

    >>> from canon_nlp import Canon
    >>> canon = Canon()                      # loads the alias table once
    >>> record = canon.analyze("月之暗面发布了Kimi")
    >>> record["tokens"]
    ['月之暗面', 'moonshot-ai', '发布', '了', 'kimi', 'moonshot-ai']
    >>> [(e["id"], e["start"], e["end"]) for e in record["entities"]]
    [('moonshot-ai', 0, 4), ('kimi', 7, 11)]

Records are exactly what ``canon normalize`` writes for ``{"text": ...}``
(without the input's ``text``), written by the same code. Adapters:
``canon_nlp.datatrove`` (a datatrove PipelineStep) and ``canon_nlp.hf`` (a
batched ``datasets.Dataset.map`` function).
"""

from ._canon import Canon, __version__
from .errors import AliasTableError, CanonError, RejectedError

__all__ = ["Canon", "CanonError", "AliasTableError", "RejectedError", "__version__"]
