"""The editor password: hashed with a salt, checked in constant time, never stored in clear."""

from __future__ import annotations

import subprocess
import sys

import pytest

from corpus import CorpusError
from corpus.access import check_password, hash_password


def test_right_and_wrong_passwords() -> None:
    setting = hash_password("correct horse battery")
    assert "correct horse" not in setting
    assert setting.startswith("scrypt$")
    assert check_password("correct horse battery", setting)
    assert not check_password("correct horse batterY", setting)
    assert not check_password("", setting)
    assert hash_password("correct horse battery") != setting, "every hash has its own salt"


@pytest.mark.parametrize(
    "setting", ["plain-text-password", "scrypt$1$2", "md5$a$b$c$d$e", "scrypt$16384$8$1$!!$!!"]
)
def test_a_setting_that_is_not_a_hash_is_refused(setting: str) -> None:
    with pytest.raises(CorpusError, match="hash-password"):
        check_password("whatever", setting)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(CorpusError, match="at least 8"):
        hash_password("short")


def test_command_line_prints_a_usable_hash() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "hash-password"],
        input="a long editor password\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert check_password("a long editor password", done.stdout.strip())
