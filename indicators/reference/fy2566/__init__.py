"""FY2566 (document 003): ``loader.ReferenceLoader`` chains the stages of ``organisation``, ``criteria``,
``definitions`` and ``frameworks`` over the state of ``base``."""
