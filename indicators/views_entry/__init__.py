"""Staff result-entry screens: a unit's round, one indicator's entry form, its history and its evidence files.

Views check who may see the unit or result (404 otherwise) and leave every write to the services, which check
again (DOMAIN.md §3.1, §4, §6.1; STYLE.md practices 3–5).
"""

from indicators.views_entry.evidence import evidence_delete, evidence_download, evidence_upload
from indicators.views_entry.history import result_history
from indicators.views_entry.mywork import MyWork, my_work
from indicators.views_entry.pages import result_entry, unit_round

__all__ = [
    "MyWork",
    "evidence_delete",
    "evidence_download",
    "evidence_upload",
    "my_work",
    "result_entry",
    "result_history",
    "unit_round",
]
