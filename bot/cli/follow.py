"""`themabot progress | report`: following a round, and the overview as a file."""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from pathlib import Path
from typing import Any

from bot.cli.common import Console, keep_until_exit, output_file, the_round, write_file
from storage import Store
from storage.records import RoundSnapshot


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `progress` and `report`."""
    progress = sub.add_parser("progress", help="show a round's progress", parents=[common])
    progress.add_argument("--round", type=int, required=True, help="round id")
    progress.add_argument("--json", action="store_true", help="print JSON")

    report = sub.add_parser(
        "report",
        help="write the compiled overview to a file",
        parents=[common],
        description="The format follows the extension of --output (.html .docx .md .xlsx "
        ".csv); --output may name an existing folder.",
    )
    report.add_argument("--round", type=int, required=True, help="round id")
    # Not read from reports.render: that would load every renderer for any command.
    # tests/test_cli.py checks that this help names every format and the default.
    report.add_argument(
        "--format",
        help="html, docx, md, xlsx or csv; without it the extension of --output decides, and "
        "a folder gets html (the default)",
    )
    report.add_argument("--output", required=True, help="file to write, or an existing folder")
    report.add_argument(
        "--submitted-only",
        action="store_true",
        help="only answers of colleagues who submitted (the document says so)",
    )
    report.add_argument(
        "--docx-template",
        metavar="FILE",
        help="a .docx/.dotx whose styles, headers and footers the Word document uses "
        "(default: THEMABOT_DOCX_TEMPLATE)",
    )
    report.add_argument("--json", action="store_true", help="print JSON")


async def snapshot(console: Console, store: Store, round_id: int) -> RoundSnapshot:
    """Returns everything about a round, or stops when there is no such round."""
    async with store.read() as tx:
        round_ = await the_round(console, tx, round_id)
        found = await tx.snapshot(round_.id)
    assert found is not None  # the round exists in this same read
    return found


async def progress(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Prints progress as /progress shows it; each colleague with the invite id (#12)."""
    from bot.coordinator_views import progress_text
    from conversations.texts import plain
    from reports.progress import round_progress

    result = round_progress(await snapshot(console, store, args.round))
    console.json(result.to_json())
    console.line(plain(progress_text(result, console.t, console.settings.zone)))
    return 0


async def report(console: Console, store: Store, args: argparse.Namespace) -> int:
    """Writes the overview; the extension of --output says the format unless --format does."""
    from reports.overview import build_overview
    from reports.render import (
        DEFAULT_FORMAT,
        FORMATS,
        UnknownFormatError,
        filename,
        format_key,
        gc_paused,
        render,
    )

    chosen = None
    if args.format is not None:
        try:
            chosen = format_key(args.format)
        except UnknownFormatError:
            console.fail("unknown_format", format=args.format, formats=", ".join(FORMATS))
    kinds = {f.extension: key for key, f in FORMATS.items()} | {".htm": "html", ".markdown": "md"}
    house_style = args.docx_template or console.settings.docx_template or None
    template = Path(house_style) if house_style else None
    # The format as output_file will find it (a folder without --format gets HTML), checked
    # before the round is read: that takes a while.
    word = (chosen or kinds.get(Path(args.output).suffix.lower())) == "docx"
    if template is not None and word:
        source = "--docx-template" if args.docx_template else "THEMABOT_DOCX_TEMPLATE"
        console.check_docx_template(template, source)
    now = console.now().astimezone(console.settings.zone)
    # Reading a large round allocates as much as building and rendering from it: the
    # collector waits until the round and its overview are gone again, then has little to do.
    with gc_paused():
        found = await snapshot(console, store, args.round)
        overview = build_overview(found, now, submitted_only=args.submitted_only)
        path, fmt = output_file(
            console,
            args.output,
            kinds,
            chosen=chosen,
            default_kind=DEFAULT_FORMAT,
            default_name=partial(filename, overview),
        )
        data = render(overview, fmt, docx_template=template)
        keep_until_exit(found, overview)
        del found, overview
        # Ctrl-C while reading or rendering cancels here, before anything is written: no
        # file and exit 130, rather than a file, a success line and then 130.
        await asyncio.sleep(0)
        write_file(console, path, data)
        size = len(data)
        keep_until_exit(data)
        del data
    console.json(
        {
            "round": args.round,
            "format": fmt,
            "output": str(path),
            "bytes": size,
            "submitted_only": args.submitted_only,
        }
    )
    console.say("report_wrote", path=str(path), format=fmt, size=f"{size:,}")
    return 0
