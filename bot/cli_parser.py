"""The command line's argument parser: a usage mistake is one Vietnamese line, a --help hint.

argparse prints its usage block and an English message over several lines; the reader is a
commune's IT officer. Subcommand parsers inherit this class (argparse creates them with the
parent's class), so every level answers the same way. Exit code 2, as argparse's.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

_QUOTED = re.compile(r"'([^']*)'")


def _names(choices: str) -> str:
    return ", ".join(part.strip().strip("'") for part in choices.split(","))


def _guillemets(found: re.Match[str]) -> str:
    return f"«{found.group(1)}»"


def vietnamese(message: str) -> str:
    """argparse's English message, said in Vietnamese (unknown ones are kept, quoted)."""
    found = re.match(
        r"argument (\S+): invalid choice: '?([^']*?)'? \(choose from (.*)\)$", message
    )
    if found:
        name, value, choices = found.groups()
        if name.isupper():  # a positional like COMMAND or ACTION: a command name
            return f"không có lệnh «{value}» (có: {_names(choices)})"
        return f"{name} không nhận «{value}» (chọn một trong: {_names(choices)})"
    found = re.match(r"the following arguments are required: (.*)$", message)
    if found:
        return f"thiếu {found.group(1)}"
    found = re.match(r"unrecognized arguments: (.*)$", message)
    if found:
        return f"không hiểu «{found.group(1)}»"
    found = re.match(r"argument (\S+): invalid (int|float) value: '?([^']*?)'?$", message)
    if found:
        name, kind, value = found.groups()
        what = "số nguyên" if kind == "int" else "số"
        return f"{name} cần một {what}, không phải «{value}»"
    found = re.match(r"argument (\S+): expected (one|at least one) argument", message)
    if found:
        return f"{found.group(1)} cần một giá trị"
    found = re.match(r"argument (\S+): not allowed with argument (\S+)", message)
    if found:
        return f"không dùng {found.group(1)} cùng với {found.group(2)}"
    return f"câu lệnh chưa đúng ({_QUOTED.sub(_guillemets, message)})"


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one Vietnamese line on stderr."""

    def error(self, message: str) -> NoReturn:
        line = f"Lỗi: {vietnamese(message)}. Xem '{self.prog} --help'."
        print(line, file=sys.stderr)
        raise SystemExit(2)
