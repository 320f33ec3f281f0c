"""`manage.py spc`: an XmR chart of a CSV series as JSON or CSV, with a clear error
and a non-zero exit for every bad file."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SERIES = "month,rate\n" + "".join(f"2024-{m:02d},{v}\n" for m, v in zip(range(1, 13), [5, 15] * 6, strict=True))


def run(tmp_path, text, *args):
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("spc", str(path), *args, stdout=out)
    return out.getvalue()


def test_json_gives_every_point_its_limits_and_type_and_the_icons(tmp_path):
    data = json.loads(run(tmp_path, SERIES, "--value", "rate", "--date", "month", "--target", "30"))
    assert [p["date"] for p in data["points"]][:2] == ["2024-01-01", "2024-02-01"]
    first = data["points"][0]
    # Mean 10, every moving range 10: limits 10 +/- 26.6, near lines 10 +/- 17.73.
    assert first["mean"] == 10 and first["lpl"] == pytest.approx(-16.6) and first["upl"] == pytest.approx(36.6)
    assert first["near_upl"] == pytest.approx(10 + 2 / 3 * 26.6)
    assert {p["point_type"] for p in data["points"]} == {"common_cause"}
    assert (data["variation"], data["assurance"]) == ("common_cause", "inconsistent")
    assert data["points"][0]["trial_limits"] is False  # 12 points


def test_rebase_polarity_screening_and_csv(tmp_path):
    text = "when,value\n" + "".join(f"2025-01-{d:02d},{v}\n" for d, v in enumerate([10, 11] * 3 + [20, 21] * 3, 1))
    out = run(
        tmp_path,
        text,
        "--value",
        "value",
        "--date",
        "when",
        "--rebase",
        "2025-01-07",
        "--improvement",
        "decrease",
        "--no-screen",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [float(r["mean"]) for r in rows] == [10.5] * 6 + [20.5] * 6
    assert {r["point_type"] for r in rows} == {"common_cause"}
    assert list(rows[0]) == [
        "date",
        "value",
        "mean",
        "lpl",
        "upl",
        "near_lpl",
        "near_upl",
        "point_type",
        "rule",
        "trial_limits",
    ]


def test_without_a_date_column_points_are_numbered(tmp_path):
    data = json.loads(run(tmp_path, "score\n3\n4\n5\n", "--value", "score"))
    assert [p["date"] for p in data["points"]] == [1, 2, 3]


@pytest.mark.parametrize(
    "text, args, message",
    [
        (SERIES, ["--value", "rates"], "has no column 'rates'; its columns are: month, rate"),
        ("month,rate\n2024-01,5\n2024-02,five\n", ["--value", "rate"], "Row 3: 'five' is not a number"),
        ("month,rate\n2024-01,5\n", ["--value", "rate"], "has 1 point: an XmR chart needs at least two"),
        ("month,rate\n2024-02,5\n2024-01,6\n", ["--value", "rate", "--date", "month"], "not in order"),
        ("month,rate\n2024-01,5\n2024-01,6\n", ["--value", "rate", "--date", "month"], "appears twice"),
        ("month,rate\nJanuary,5\n2024-02,6\n", ["--value", "rate", "--date", "month"], "is not a date"),
        (SERIES, ["--value", "rate", "--date", "month", "--rebase", "2023-01"], "no point has that date"),
        (SERIES, ["--value", "rate", "--date", "month", "--rebase", "2024-12"], "fewer than two points"),
        (SERIES, ["--value", "rate", "--target", "=1+1"], "--target: '=1+1' is not a number"),
        (SERIES, ["--value", "rate", "--trend", "1"], "at least 2 points"),
        ("month,rate\n2024-01,nan\n2024-02,1\n", ["--value", "rate"], "'nan' is not a number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(tmp_path, text, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("+", r"\+")):
        run(tmp_path, text, *args)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "series.csv"
    path.write_bytes("month,rate\n2024-01,5\n2024-02,caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("spc", str(path), "--value", "rate", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("spc", str(tmp_path / "missing.csv"), "--value", "rate", stdout=io.StringIO())


def test_the_command_exits_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "series.csv"
    path.write_text("month,rate\n2024-01,5\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "spc", str(path), "--value", "rate"],
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode != 0 and "needs at least two" in done.stderr
