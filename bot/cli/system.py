"""`themabot run | template check | demo`: the bot itself, template files, the offline demo."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, Console


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `run`, `template check` and `demo`."""
    sub.add_parser("run", help="run the bot (long polling)", parents=[common])

    template = sub.add_parser("template", help="work with template files", parents=[common])
    actions = template.add_subparsers(dest="template_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate a template file", parents=[common])
    check.add_argument("file", help="template file (.toml) or built-in key")
    check.add_argument("--json", action="store_true", help="print JSON")

    demo = sub.add_parser(
        "demo", help="run an offline demo against a local Bot API stand-in", parents=[common]
    )
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="output folder")


def run(console: Console) -> int:
    """Runs the bot until interrupted; updates sent while it was down are handled, not dropped."""
    settings = console.settings
    if not settings.token.strip():
        raise CliError(console.text("run_no_token"))  # how to get one, and `make demo`
    if settings.docx_template:
        console.check_docx_template(Path(settings.docx_template), "THEMABOT_DOCX_TEMPLATE")
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from bot.polling import serve

    try:
        asyncio.run(serve(build_application(settings)))
    except InvalidToken as exc:
        raise CliError(console.text("run_token_refused", detail=str(exc))) from None
    except NetworkError as exc:
        raise CliError(
            console.text("run_unreachable", url=settings.api_url, detail=str(exc))
        ) from None
    return 0


def template_check(console: Console, args: argparse.Namespace) -> int:
    """Validates a template file and says what it holds."""
    from conversations.template import load_template

    template = load_template(args.file)
    questions = sum(len(template.questions_for(t.key)) for t in template.themes)
    console.json(
        {"ok": True, "key": template.key, "themes": len(template.themes), "questions": questions}
    )
    counts = sorted({len(template.questions_for(t.key)) for t in template.themes})
    per_theme = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
    console.say(
        "template_ok",
        file=args.file,
        title=template.title,
        themes=len(template.themes),
        per_theme=per_theme,
        questions=console.text("question_word", count=counts[-1]),
    )
    return 0


def demo(console: Console, args: argparse.Namespace) -> int:
    """Runs the offline demo, which ships with the developer tools rather than the bot."""
    try:
        from devtools.demo import run_demo
    except ModuleNotFoundError as missing:
        # Anything else missing is a broken installation, not a missing extra: show it.
        if (missing.name or "").partition(".")[0] != "devtools":
            raise
        raise CliError(console.text("demo_not_installed")) from None
    return asyncio.run(run_demo(args.output))
