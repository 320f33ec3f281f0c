"""Reading comparators from a CSV (evaluate.benchmarking.importing): whatever bytes
arrive, the reader gives rows or a CsvProblem with its messages, never anything else,
and the rows it gives are all valid."""

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.benchmarking import importing


@settings(max_examples=300)
@given(data=st.binary(max_size=400), proportion=st.booleans())
def test_any_bytes_give_rows_or_a_clear_problem(data, proportion):
    try:
        rows = importing.read(data, proportion=proportion)
    except importing.CsvProblem as problem:
        assert problem.messages and all(m.endswith(".") for m in problem.messages)
    else:
        assert rows


cell = st.one_of(
    st.integers(min_value=-5, max_value=10_000).map(str),
    st.sampled_from(["", "x", "1.5", "1,000", " 7 ", "1e3", "=1+1", "NaN"]),
)


@settings(max_examples=300)
@given(
    rows=st.lists(st.tuples(st.text(max_size=8), cell, cell), max_size=8),
    proportion=st.booleans(),
)
def test_rows_given_are_valid_and_a_bad_row_gives_none(rows, proportion):
    text = "name,numerator,denominator\n" + "".join(f'"{n.replace(chr(34), "")}",{a},{b}\n' for n, a, b in rows)
    try:
        read = importing.read(text.encode("utf-8"), proportion=proportion)
    except importing.CsvProblem:
        return
    for row in read:
        assert row.name and row.numerator >= 0 and row.denominator > 0
        assert not proportion or row.numerator <= row.denominator
    names = [(r.name.lower(), r.period) for r in read]
    assert len(names) == len(set(names))
