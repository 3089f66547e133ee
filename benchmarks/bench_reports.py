"""Benchmark of the PDF documents: WeasyPrint in a warm process against headless Chromium on the same HTML.

    python benchmarks/bench_reports.py                 # throw-away SQLite file
    DATABASE_URL=postgres://... python benchmarks/bench_reports.py   # a scratch PostgreSQL database (it is flushed!)
    bash scripts/test.sh --bench                       # on the throw-away PostgreSQL, after the other benchmarks

Loads the FY2566 reference data and the demo data, builds one document of every kind in reporting.documents.KINDS
(the scorecard and agreement of the demo division, a copy of กคส.'s framework, and its annual book) and prints, per document:
milliseconds in this warm process (median of --repeat after --warmup renders) split into HTML (template), layout
(``HTML.render()``) and writing (``Document.write_pdf()`` with the Thai text-layer fix); the writing time without
the fix (its cost); the same HTML and CSS printed by ``chromium --headless --print-to-pdf`` in a new process each
time (median of --chromium-repeat); the ratio; and the peak RSS of this process. ``--profile KIND`` prints
cProfile's top functions for layout and writing of that kind instead. docs/pdf-performance.md has the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import os
import posixpath
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import setup_django  # noqa: E402

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from pypdf import PdfReader  # noqa: E402

import reporting.pdf  # noqa: E402
from indicators.models import FiscalYear, OrgUnit, Round  # noqa: E402
from indicators.reference_data import ReferenceLoader  # noqa: E402
from reporting.documents import KINDS  # noqa: E402
from reporting.pdf import render  # noqa: E402

#: kind -> unit code of the benchmarked document (round 1 of FY2566 where the kind is printed per round).
UNITS = {"scorecard": "demo-division", "agreement": "demo-division", "book": "demo-division"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
STATIC_ATTRIBUTE = re.compile(r"""(href|src)=(['"])([^'"]+)\2""")


@dataclass(frozen=True)
class Job:
    """What a kind's ``to_pdf`` hands to ``render_pdf``: the HTML and the extra stylesheets."""

    kind: str
    unit: str
    html: str
    base_url: str | None
    stylesheets: list[Any]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def capture_job(kind: str, unit: str, doc: Any) -> Job:
    """Call the kind's own to_pdf once with render_pdf replaced by a recorder (so any kind works unchanged)."""
    seen: dict[str, Any] = {}

    def record(html: str, *, base_url: str | None = None, stylesheets: list[Any] | None = None) -> bytes:
        seen.update(html=html, base_url=base_url, stylesheets=list(stylesheets or []))
        return b""

    original = reporting.pdf.render_pdf
    reporting.pdf.render_pdf = record
    try:
        KINDS[kind].to_pdf(doc)
    finally:
        reporting.pdf.render_pdf = original
    return Job(kind, unit, seen["html"], seen["base_url"], seen["stylesheets"])


def build(kind: str, unit: OrgUnit, year: FiscalYear, round1: Round) -> Any:
    accepted = inspect.signature(KINDS[kind].build).parameters
    kwargs: dict[str, Any] = {"org_unit": unit}
    if "fiscal_year" in accepted:
        kwargs["fiscal_year"] = year
    if "round" in accepted:
        kwargs["round"] = round1
    return KINDS[kind].build(**kwargs)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


# ---- the same HTML for Chromium -------------------------------------------------------------------------------


def static_uri(relative: str) -> str:
    path = finders.find(relative.split("?")[0].split("#")[0])
    if not path:
        raise FileNotFoundError(f"static file not found: {relative}")
    return Path(path).resolve().as_uri()


def static_relative(url: str) -> str | None:
    """"reporting/pdf.css" for "/static/reporting/pdf.css" or STATIC_ORIGIN + "static/…"; None for other URLs."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    url = url.removeprefix(render.STATIC_ORIGIN.rstrip("/"))
    return url.removeprefix(prefix) if url.startswith(prefix) else None


def inline_css(source: str, relative_to: str | None) -> str:
    """CSS with its url()s pointing at the static files on disk (file: URLs Chromium can load)."""

    def resolve(match: re.Match[str]) -> str:
        url = match[2]
        if url.startswith(("data:", "file:", "#")):
            return match[0]
        relative = static_relative(url)
        if relative is None and relative_to is not None:
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), url))
        return f'url("{static_uri(relative)}")' if relative else match[0]

    return CSS_URL.sub(resolve, source)


def chromium_html(job: Job) -> str:
    """The job's HTML with pdf.css and the extra stylesheets inlined before the document's own styles (WeasyPrint
    gives them user-sheet precedence), and every static URL turned into a file: URL."""
    base = Path(static_uri(render.BASE_STYLESHEET).removeprefix("file://")).read_text(encoding="utf-8")
    sheets = [inline_css(base, render.BASE_STYLESHEET)]
    for sheet in job.stylesheets:
        if not isinstance(sheet, str):
            raise TypeError(f"{job.kind}: only CSS strings can be inlined for Chromium, not {sheet!r}")
        sheets.append(inline_css(sheet, None))
    style = "<style>\n" + "\n".join(sheets) + "\n</style>"

    def attribute(match: re.Match[str]) -> str:
        relative = static_relative(match[3])
        return f"{match[1]}={match[2]}{static_uri(relative)}{match[2]}" if relative else match[0]

    html = STATIC_ATTRIBUTE.sub(attribute, job.html)
    html = re.sub(r"(<style[^>]*>)(.*?)(</style>)", lambda m: m[1] + inline_css(m[2], None) + m[3], html, flags=re.S)
    head = re.search(r"<head[^>]*>", html, flags=re.I)
    if head is None:
        return style + html
    return html[: head.end()] + style + html[head.end() :]


def chromium_times(path: Path, out: Path, repeat: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds (Chromium and all its processes) per new ``chromium --print-to-pdf`` process."""
    binary = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    walls, cpus = [], []
    for _ in range(repeat):
        out.unlink(missing_ok=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, result = timed(lambda: subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--print-to-pdf={out}", path.as_uri()], capture_output=True, check=False
        ))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if not out.exists():
            raise RuntimeError(f"chromium wrote no PDF: {result.stderr.decode(errors='replace')[-500:]}")
        walls.append(seconds)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus, len(PdfReader(out).pages)


# ---- WeasyPrint ----------------------------------------------------------------------------------------------


def weasyprint_times(job: Job, repeat: int, warmup: int, fresh_styles: bool) -> dict[str, Any]:
    def layout() -> Any:
        if fresh_styles:
            render.clear_style_cache()
        return render.layout_pdf(job.html, base_url=job.base_url, stylesheets=job.stylesheets)

    for _ in range(warmup):
        render.write_pdf(layout())
    layouts, writes, plain_writes, cpus = [], [], [], []
    pdf = b""
    for _ in range(repeat):
        cpu = time.process_time()
        seconds, document = timed(layout)
        layouts.append(seconds)
        seconds, pdf = timed(lambda document=document: render.write_pdf(document))
        writes.append(seconds)
        cpus.append(time.process_time() - cpu)
        # a fresh layout written by plain WeasyPrint: the text-layer fix is active only inside render.write_pdf()
        document = layout()
        seconds, _ = timed(document.write_pdf)
        plain_writes.append(seconds)
    return {
        "layout": median_ms(layouts),
        "write": median_ms(writes),
        "total": median_ms([a + b for a, b in zip(layouts, writes, strict=True)]),
        "cpu": median_ms(cpus),
        "write_plain": median_ms(plain_writes),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "kib": len(pdf) / 1024,
    }


def profile(job: Job, repeat: int) -> None:
    render.write_pdf(render.layout_pdf(job.html, base_url=job.base_url, stylesheets=job.stylesheets))
    for phase in ("layout", "write"):
        profiler = cProfile.Profile()
        for _ in range(repeat):
            if phase == "layout":
                profiler.enable()
                document = render.layout_pdf(job.html, base_url=job.base_url, stylesheets=job.stylesheets)
                profiler.disable()
            else:
                document = render.layout_pdf(job.html, base_url=job.base_url, stylesheets=job.stylesheets)
                profiler.enable()
                render.write_pdf(document)
                profiler.disable()
        print(f"\n--- cProfile: {phase} of {job.kind} {job.unit}, {repeat} runs, by own time ---")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
        print(f"--- cProfile: {phase}, by cumulative time ---")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(22)


def load_data() -> tuple[FiscalYear, Round]:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    ReferenceLoader(None if "DSDW_SHARED_DIR" not in os.environ else Path(os.environ["DSDW_SHARED_DIR"])).load()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_data", stdout=quiet)
    year = FiscalYear.objects.get(be_year=2566)
    return year, Round.objects.get(fiscal_year=year, number=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9, help="WeasyPrint renders per document (median)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--chromium-repeat", type=int, default=5, help="Chromium processes per document (median)")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--fresh-styles", action="store_true",
                        help="parse fonts and stylesheets for every document, as render_pdf did before the cache")
    parser.add_argument("--profile", metavar="KIND", help="print cProfile of layout and writing of one kind")
    args = parser.parse_args()
    year, round1 = load_data()
    jobs: list[tuple[Job, Any]] = []
    for kind in [*UNITS, *(k for k in KINDS if k not in UNITS)]:
        if kind not in KINDS:
            print(f"note: document kind {kind!r} is not registered in reporting.documents.KINDS yet: skipped")
            continue
        unit = OrgUnit.objects.get(code=UNITS.get(kind, "demo-division"))
        doc = build(kind, unit, year, round1)
        jobs.append((capture_job(kind, unit.code, doc), doc))
    if args.profile:
        profile(next(job for job, _doc in jobs if job.kind == args.profile), args.repeat)
        return
    print(f"database: {connection.vendor}; WeasyPrint: median of {args.repeat} after {args.warmup} warm-up renders "
          f"in this process{' with fresh fonts and stylesheets each' if args.fresh_styles else ''}; Chromium: median of {args.chromium_repeat} new processes; {os.cpu_count()} CPUs")
    header = (f"{'document':20} {'pages':>5} {'KiB':>4} {'html':>4} {'layout':>6} {'write':>5} {'total':>5} "
              f"{'cpu':>5} {'/page':>5} {'w/o fix':>7} {'chromium':>8} {'cpu':>5} {'ratio':>5} {'cpu':>5}")
    print(header)
    tmp = Path(tempfile.mkdtemp(prefix="dsdw-bench-chromium-"))
    try:
        for job, doc in jobs:
            html_seconds = [timed(lambda job=job, doc=doc: capture_job(job.kind, job.unit, doc))[0] for _ in range(args.repeat)]
            f = weasyprint_times(job, args.repeat, args.warmup, args.fresh_styles)
            chromium = "       -      -     -     -"
            note = ""
            if not args.no_chromium:
                page = tmp / f"{job.kind}.html"
                page.write_text(chromium_html(job), encoding="utf-8")
                walls, cpus, pages = chromium_times(page, tmp / f"{job.kind}.pdf", args.chromium_repeat)
                wall, cpu = median_ms(walls), median_ms(cpus)
                chromium = f"{wall:8.0f} {cpu:5.0f} {f['total'] / wall:5.2f} {f['cpu'] / cpu:5.2f}"
                note = f"  (Chromium: {pages} pages)"
            name = f"{job.kind} {job.unit}"
            print(f"{name:20} {f['pages']:5d} {f['kib']:4.0f} {median_ms(html_seconds):4.0f} {f['layout']:6.0f} "
                  f"{f['write']:5.0f} {f['total']:5.0f} {f['cpu']:5.0f} {f['total'] / f['pages']:5.0f} "
                  f"{f['write_plain']:7.0f} {chromium}{note}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process (WeasyPrint) {peak:.0f} MiB; largest Chromium child process {children:.0f} MiB")
    print("ms; html = to_pdf's template step; total = layout + write, the PDF as to_pdf returns it (wall); cpu = its CPU "
          "time; /page = total per page; w/o fix = plain WeasyPrint writing; chromium = wall of a new process, cpu = "
          "CPU of all its processes; ratio = WeasyPrint / Chromium, wall and CPU. On a shared machine trust CPU more.")


if __name__ == "__main__":
    main()
