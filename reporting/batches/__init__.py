"""Report batches: every write of a ReportRun and its items, and the rendering Celery workers do.

A run is created with one item per unit (UNIQUE(run, org unit)), so nothing can be rendered twice. Its items are
split into shards; each shard is one Celery message whose worker first takes the shard's lease (rows locked: a free
or expired lease only), so two deliveries of the same message never render in parallel while two workers can share
a batch. The lease is renewed after every document. Each file is written under a temporary name and renamed into
its deterministic place while the rows are locked and the item is marked done in the same transaction: a worker
killed mid-item leaves at most an orphan ``.part`` file (removed by the next claim), never an item counted done
without its file. Shards whose lease expired are re-queued by ``report_runs_recover()`` (on worker start and from
Celery beat); the shard that finds nothing pending left writes the ZIP.

``runs``: the units of a batch, creating, queueing, cancelling and resuming a run (pages, admin).
``rendering``: the worker side (leases, ``.part`` files, the ZIP). ``recovery``: re-queueing shards nobody holds.
Code that replaces one of these functions (tests) replaces it in the module that calls it.
"""

from reporting.batches.recovery import report_runs_recover
from reporting.batches.rendering import (
    PART_SUFFIX,
    _counts,
    _finish_shard,
    _lease,
    _lock,
    _remove_parts,
    _render_item,
    _storage_dir,
    _store_item,
    _write_part,
    _write_zip,
    report_run_claim,
    report_run_release,
    report_run_render,
    zip_name,
)
from reporting.batches.runs import (
    KIND_ORDER,
    _valid_in,
    batch_units,
    can_run_batches,
    report_run_cancel,
    report_run_create,
    report_run_enqueue,
    report_run_resume,
)

__all__ = [
    "KIND_ORDER", "PART_SUFFIX", "batch_units", "can_run_batches", "report_run_cancel", "report_run_claim",
    "report_run_create", "report_run_enqueue", "report_run_release", "report_run_render", "report_run_resume",
    "report_runs_recover", "zip_name",
    # helpers, importable from here as before the split
    "_counts", "_finish_shard", "_lease", "_lock", "_remove_parts", "_render_item", "_storage_dir", "_store_item",
    "_valid_in", "_write_part", "_write_zip",
]
