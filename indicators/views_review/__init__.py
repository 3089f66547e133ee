"""Supervisor review: the queue of submitted results and one result's review page (DOMAIN.md §10 workflow).

Supervisors (ผู้กำกับดูแลตัวชี้วัด) see the results of the indicators they supervise, across units; admins see all
and may also reopen a result; directors may look at both pages read-only. Staff are refused. Every decision goes
through the services (result_approve, result_return, result_reopen), which check permissions again.

Split by page (STYLE.md: modules past ~400 lines); this module re-exports the names the URLs and the admin use.
"""

from indicators.views_review.access import may_open_queue, queue_results
from indicators.views_review.queue import PAGE_SIZE, REVIEW_STATUSES, QueueFilterForm, QueueRow, review_queue
from indicators.views_review.reopen import REASON_MAX_LENGTH, ReopenForm, ThaiDateField, ThaiDateInput
from indicators.views_review.result import MilestoneRow, ReviewPage, SubUnitRow, review_page, review_result

__all__ = [
    "PAGE_SIZE",
    "REASON_MAX_LENGTH",
    "REVIEW_STATUSES",
    "MilestoneRow",
    "QueueFilterForm",
    "QueueRow",
    "ReopenForm",
    "ReviewPage",
    "SubUnitRow",
    "ThaiDateField",
    "ThaiDateInput",
    "may_open_queue",
    "queue_results",
    "review_page",
    "review_queue",
    "review_result",
]
