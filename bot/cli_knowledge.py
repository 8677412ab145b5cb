"""``python -m bot ask | eval | kb check | kb gaps``: the knowledge base from the command line.

``ask`` and ``eval`` are stateless (profile + knowledge base + matcher, no database); ``kb check``
validates the data files and the entries saved on the dashboard (``bot.cli_kb_store``, which
also has ``kb export``) and prints ``file:line: message`` lines; ``kb gaps`` reads the questions
the bot could not answer from the database, most frequent first, and says which ones an entry
answers by now.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TextIO

from bot import cli_kb_store
from bot.cli_parser import VietnameseParser

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2


class _Fail(Exception):
    """A problem the user can fix: printed as one line on stderr, exit code 2."""


def _utf8(stream: TextIO) -> None:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # a stream that cannot be reconfigured
            reconfigure(encoding="utf-8")


def _settings() -> Any:
    from bot.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as err:
        raise _Fail(f"Lỗi cấu hình — {err.variable}: {err.problem}") from None


def _content(settings: Any) -> Any:
    """Profile, knowledge base, matcher and messages (``bot.content.Content``), or one line."""
    from bot.content import Content
    from handlers.texts.loader import TextsError, load_texts
    from knowledge import KnowledgeError, Matcher, ProfileError, load_knowledge, load_profile

    try:
        profile = load_profile(settings.commune_profile)
    except ProfileError as err:
        raise _Fail(f"Lỗi hồ sơ xã (COMMUNE_PROFILE) — {err}") from None
    try:
        kb = load_knowledge(profile, settings.knowledge_dir)
    except KnowledgeError as err:
        raise _Fail(f"Lỗi cơ sở tri thức — {err}") from None
    try:
        texts = load_texts(profile, kb.values, settings.knowledge_dir)
    except TextsError as err:
        raise _Fail(f"Lỗi tin nhắn (KNOWLEDGE_DIR/messages) — {err}") from None
    return Content(profile, kb, Matcher(kb), texts)


def _said(content: Any, match: Any, text: str) -> list[Any]:
    """The replies the bot sends for this match: the one wording path of the chat."""
    from bot.runtime import WEB
    from handlers.chat.answers import replies_for

    return replies_for(
        match, text, texts=content.texts, kb=content.kb, capabilities=WEB, offer_id="ask"
    )


def _run(func: Any, args: argparse.Namespace) -> int:
    _utf8(sys.stdout)
    try:
        return int(func(args) or 0)
    except _Fail as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE


# ---------------------------------------------------------------------------------------- ask


def _read_lines(path: str) -> Iterable[str]:
    if path == "-":
        _utf8(sys.stdin)
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        return
    try:
        handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as err:
        raise _Fail(f"Không đọc được tệp '{path}': {err.strerror}") from None
    with handle:
        for line in handle:
            yield line.rstrip("\r\n")


def _print_plain(match: Any, answer: str) -> None:
    print(answer)
    if match.band == "suggest":
        print(
            f"[nút: {match.entry_id}" + "".join(f", {s.entry_id}" for s in match.suggestions) + "]"
        )
    for link in match.links:
        print(f"[liên kết: {link.text} — {link.url}]")
    topic = f" · {match.topic}" if match.topic else ""
    print(f"({match.intent}{topic} · {match.band} · điểm {match.score:.2f})", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one message (or one per line of --batch FILE) as the bot would, statelessly."""
    question = " ".join(args.text).strip()
    if args.batch is None and not question:  # `ask ""` and `ask "   "` too
        raise _Fail('Cần nội dung câu hỏi, ví dụ: python -m bot ask "làm lại căn cước ở đâu"')
    if args.batch is not None and args.text:
        raise _Fail("Dùng hoặc TEXT hoặc --batch FILE, không dùng cả hai")
    texts: Iterable[str] = [question] if args.batch is None else _read_lines(args.batch)
    if args.batch not in (None, "-"):  # a missing file is said before the slow load; stdin streams
        texts = list(texts)
    content = _content(_settings())
    out = sys.stdout
    for text in texts:
        match = content.matcher.match(text)
        answer = "\n\n".join(r.text for r in _said(content, match, text))
        if args.json:
            out.write(json.dumps({**match.to_json(), "answer": answer}, ensure_ascii=False) + "\n")
        elif args.batch is not None:
            topic = match.topic or ""
            first = answer.splitlines()[0] if answer else ""
            out.write(f"{match.intent}\t{topic}\t{match.score:.3f}\t{first}\n")
        else:
            _print_plain(match, answer)
    out.flush()
    return EXIT_OK


# ---------------------------------------------------------------------------------------- eval


def read_labelled(path: str) -> list[tuple[str, str]]:
    """(label, message) pairs of a faq-dev.tsv-style file; '#' lines and blank lines skipped."""
    pairs = []
    for number, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise _Fail(f"{path}:{number}: cần 'nhãn<TAB>câu hỏi'")
        label, message = line.split("\t", 1)
        pairs.append((label.strip(), message))
    return pairs


def predicted_label(match: Any) -> str:
    """The eval label of a match: the topic for faq, otherwise '@' + intent."""
    return match.topic if match.intent == "faq" and match.topic else f"@{match.intent}"


def evaluate(matcher: Any, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Accuracy per label class and overall, and every miss."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for label, message in pairs:
        match = matcher.match(message)
        predicted = predicted_label(match)
        ok = predicted in label.split("|")
        per[label][1] += 1
        per[label][0] += ok
        if not ok:
            misses.append(
                {
                    "label": label,
                    "predicted": predicted,
                    "band": match.band,
                    "score": round(match.score, 3),
                    "message": message,
                }
            )
    correct = sum(c for c, _ in per.values())
    total = sum(n for _, n in per.values())
    return {
        "overall": correct / total if total else 0.0,
        "correct": correct,
        "total": total,
        "classes": {k: {"correct": c, "total": n, "accuracy": c / n} for k, (c, n) in per.items()},
        "misses": misses,
    }


def cmd_eval(args: argparse.Namespace) -> int:
    """Print accuracy per label class and overall, and each miss."""
    pairs = read_labelled(args.file)
    if not pairs:
        raise _Fail(f"Tệp '{args.file}' không có dòng nào để đánh giá")
    result = evaluate(_content(_settings()).matcher, pairs)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    classes = result["classes"]
    width = max(len(k) for k in classes)
    print(f"Độ chính xác theo nhãn ({args.file}):")
    for label in sorted(classes, key=lambda k: (k.startswith("@"), k)):
        c = classes[label]
        flag = "" if c["accuracy"] >= 0.85 else "   ← dưới 85%"
        print(f"  {label:<{width}}  {c['correct']:>3}/{c['total']:<3} {c['accuracy']:6.1%}{flag}")
    faq = [c for k, c in classes.items() if not k.startswith("@")]
    if faq:
        fc, fn = sum(c["correct"] for c in faq), sum(c["total"] for c in faq)
        print(f"  {'(mọi chủ đề)':<{width}}  {fc:>3}/{fn:<3} {fc / fn:6.1%}")
    print(f"Tổng: {result['correct']}/{result['total']} = {result['overall']:.1%}")
    if result["misses"]:
        print(f"Sai ({len(result['misses'])}):")
        for m in result["misses"]:
            print(
                f"  ✗ {m['label']} → {m['predicted']} ({m['band']}, {m['score']:.2f}): "
                f"{m['message']}"
            )
    return EXIT_OK


# ---------------------------------------------------------------------------------------- kb


def _show_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def cmd_kb_check(args: argparse.Namespace) -> int:
    """Validate the commune profile, the knowledge base and the messages; non-zero on errors."""
    from handlers.texts.loader import check_texts
    from knowledge.kb_loader import check_knowledge
    from knowledge.profile_check import check_profile

    settings = _settings()
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    profile, issues = check_profile(settings.commune_profile, today=today)
    stored: list[Any] = []
    if profile is not None:
        try:
            stored = cli_kb_store.stored_entries(settings, profile.id)
        except cli_kb_store.StoreUnavailable as err:
            print(f"{err} Chỉ kiểm tra các tệp.", file=sys.stderr)
        issues += check_knowledge(profile, settings.knowledge_dir, today=today, stored=stored)
        issues += check_texts(profile, settings.knowledge_dir)
    else:
        print("Bỏ qua kiểm tra cơ sở tri thức vì hồ sơ xã có lỗi.", file=sys.stderr)
    errors = [i for i in issues if i.level == "error"]
    warnings = [i for i in issues if i.level == "warning"]
    shown = errors + ([] if args.errors_only else warnings)
    for issue in shown:
        where = f"{_show_path(issue.path)}:{issue.line}"
        prefix = "" if issue.level == "error" else "cảnh báo: "
        print(f"{where}: {prefix}{issue.message}")
    if profile is not None:
        from knowledge import load_knowledge

        entries = "?"
        if not errors:
            kb = load_knowledge(profile, settings.knowledge_dir, stored)
            entries = str(len(kb.entries))
        print(
            f"Đã kiểm tra hồ sơ xã '{profile.name}' và {entries} mục tri thức "
            f"({len(stored)} mục trên trang quản lý): "
            f"{len(errors)} lỗi, {len(warnings)} cảnh báo.",
            file=sys.stderr,
        )
    return EXIT_ERRORS if errors else EXIT_OK


async def _gaps(
    settings: Any, commune_id: str, limit: int, since: dt.datetime | None
) -> list[Any]:
    from storage.db import Database
    from storage.unanswered import top_unanswered

    db = Database(settings.database_url)
    try:
        async with db.read() as session:
            return list(await top_unanswered(session, commune_id, limit=limit, since=since))
    finally:
        await db.dispose()


def cmd_kb_gaps(args: argparse.Namespace) -> int:
    """List the questions answered with a fallback or a "did you mean", most frequent first."""
    from knowledge import ProfileError, load_profile

    settings = _settings()
    try:
        profile = load_profile(settings.commune_profile)
    except ProfileError as err:
        raise _Fail(f"Lỗi hồ sơ xã (COMMUNE_PROFILE) — {err}") from None
    missing = cli_kb_store.missing_sqlite_file(settings.database_url)
    if missing:  # said, and not created by reading it
        raise _Fail(missing)
    since = None
    if args.days:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=args.days)
    try:
        rows = asyncio.run(_gaps(settings, profile.id, args.limit, since))
        answered = cli_kb_store.answered_now(settings, profile)
    except cli_kb_store.StoreUnavailable as err:
        raise _Fail(str(err)) from None
    except Exception as err:  # missing tables, unreachable server: one readable line
        from bot.db_problems import describe, is_database_problem

        if is_database_problem(err):
            raise _Fail(describe(err, settings.database_url)) from None
        raise
    if not rows:
        print("Chưa có câu hỏi nào bot chưa trả lời được.")
        return EXIT_OK
    print(f"Câu hỏi bot chưa trả lời tốt ({profile.name}), nhiều nhất trước:")
    print("  lần  gần nhất    loại     câu hỏi (đã chuẩn hóa)")
    for row in rows:
        band = "gợi ý" if row.band == "suggest" else "không rõ"
        last = row.last_seen.strftime("%d/%m/%Y") if row.last_seen else ""
        topics = f"  [gợi ý: {', '.join(row.suggestions)}]" if row.suggestions else ""
        if entry_id := answered(row.text):
            topics += f"  [nay đã có câu trả lời: {entry_id}]"
        print(f"  {row.count:>4}  {last:<10}  {band:<8} {row.text}{topics}")
    print(
        "Thêm câu trả lời: trang quản lý, mục «Nội dung hỏi đáp» (hoặc một tệp trong "
        "KNOWLEDGE_DIR), rồi chạy 'python -m bot kb check'."
    )
    return EXIT_OK


# ---------------------------------------------------------------------------------------- wiring


def register(subparsers: Any) -> None:
    """Add ``ask``, ``eval`` and ``kb`` (``check``, ``gaps``) to the ``python -m bot`` parser."""
    ask = subparsers.add_parser(
        "ask",
        help="trả lời một câu hỏi như bot (không lưu gì)",
        description="Trả lời một tin nhắn như bot, không dùng cơ sở dữ liệu.",
    )
    ask.add_argument("text", nargs="*", metavar="TEXT", help="nội dung tin nhắn")
    ask.add_argument("--json", action="store_true", help="in một đối tượng JSON cho mỗi tin nhắn")
    ask.add_argument(
        "--batch", metavar="FILE", help="mỗi dòng của FILE là một tin nhắn ('-' = đọc từ stdin)"
    )
    ask.set_defaults(func=lambda a: _run(cmd_ask, a))

    ev = subparsers.add_parser(
        "eval",
        help="đo độ chính xác trên tệp nhãn<TAB>câu hỏi",
        description="Độ chính xác theo từng nhãn và tổng, kèm các câu trả lời sai.",
    )
    ev.add_argument("file", metavar="FILE", help="tệp TSV như shared/eval/faq-dev.tsv")
    ev.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ev.set_defaults(func=lambda a: _run(cmd_eval, a))

    kb = subparsers.add_parser("kb", help="kiểm tra cơ sở tri thức, xem câu hỏi chưa trả lời")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = kb_sub.add_parser(
        "check",
        help="kiểm tra tệp tri thức và hồ sơ xã (in tệp:dòng: lỗi)",
        description="Kiểm tra cơ sở tri thức (kèm KNOWLEDGE_DIR) và hồ sơ xã (COMMUNE_PROFILE).",
    )
    check.add_argument("--errors-only", action="store_true", help="chỉ in lỗi, không in cảnh báo")
    check.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    check.set_defaults(func=lambda a: _run(cmd_kb_check, a))
    gaps = kb_sub.add_parser(
        "gaps",
        help="các câu hỏi bot chưa trả lời được, nhiều nhất trước",
        description="Liệt kê câu hỏi rơi vào 'không rõ' hoặc 'gợi ý' để bổ sung tri thức.",
    )
    gaps.add_argument("--limit", type=int, default=20, help="số dòng (mặc định 20)")
    gaps.add_argument("--days", type=int, default=0, help="chỉ xét N ngày gần đây")
    gaps.set_defaults(func=lambda a: _run(cmd_kb_gaps, a))
    cli_kb_store.register(kb_sub)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m bot.cli_knowledge``), mainly for tests."""
    parser = VietnameseParser(prog="python -m bot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
