"""FY2564 (document 000, monitoring only): ``loader.Fy2564Loader`` chains the stages of ``organisation``,
``framework`` and ``results`` over the state of ``base``, with the printed tables of ``tables``."""
