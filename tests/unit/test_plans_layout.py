"""research.plans.layout: placing a diagram's boxes, wrapping, ordering rows to
cross less, drawing safe SVG, and the nested-list text alternative. Positions
are worked out by hand from the module's constants (MARGIN 24, BOX_WIDTH 240,
COLUMN_GAP 64, HEADING_HEIGHT 40, PADDING 10, LINE_HEIGHT 18, ROW_GAP 16)."""

import xml.etree.ElementTree as ET

import pytest

from research.plans import layout
from research.plans.layout import Node, OutlineNode


def _parse(svg):
    """Our own SVG, parsed to check it is well-formed XML (no untrusted input)."""
    return ET.fromstring(svg)  # noqa: S314


SVG = "{http://www.w3.org/2000/svg}"

# A driver diagram: aim A; primary drivers P1, P2; secondary S1 serves both
# primaries, S2 serves P1; change idea C1 serves S2.
NODES = [
    Node("A", "Aim", 0, emphasis=True),
    Node("P1", "Primary one", 1),
    Node("P2", "Primary two", 1),
    Node("S1", "Secondary one", 2),
    Node("S2", "Secondary two", 2),
    Node("C1", "Change idea", 3),
]
EDGES = [("P1", "A"), ("P2", "A"), ("S1", "P1"), ("S1", "P2"), ("S2", "P1"), ("C1", "S2")]
HEADINGS = ["Aim", "Primary drivers", "Secondary drivers", "Change ideas"]


def _placed():
    return layout.layout(NODES, EDGES, headings=HEADINGS)


# --- Wrapping -------------------------------------------------------------------------------


def test_wrap_breaks_at_spaces_within_the_width():
    assert layout.wrap("The quick brown fox jumps over the lazy dog", 10) == [
        "The quick",
        "brown fox",
        "jumps over",
        "the lazy",
        "dog",
    ]


def test_wrap_cuts_a_word_longer_than_a_line():
    assert layout.wrap("abcdefghijkl mn", 5) == ["abcde", "fghij", "kl mn"]


def test_wrap_makes_runs_of_space_one_and_never_returns_nothing():
    assert layout.wrap("  two\n\twords ", 20) == ["two words"]
    assert layout.wrap("", 20) == [""]


def test_every_wrapped_line_fits_the_box():
    text = "Culturally appropriate crisis support co-designed with Black-led community organisations in Chapeltown"
    lines = layout.wrap(text)
    assert all(len(line) <= layout.WRAP for line in lines)
    assert " ".join(lines) == text


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert layout.shorten("Fewer people detained under the Act", 20) == "Fewer people…"
    assert layout.shorten("Short", 20) == "Short"


# --- Ordering rows ----------------------------------------------------------------------------


def test_crossings_counts_pairs_of_lines_that_cross():
    # P1-S1 (0,0), P2-S1 (1,0), P1-S2 (0,1): P2-S1 crosses P1-S2.
    assert layout.crossings([["P1", "P2"], ["S1", "S2"]], [("P1", "S1"), ("P2", "S1"), ("P1", "S2")]) == 1
    assert layout.crossings([["P1", "P2"], ["S2", "S1"]], [("P1", "S1"), ("P2", "S1"), ("P1", "S2")]) == 0


def test_barycentre_moves_a_box_next_to_what_it_serves():
    # S1 is joined to rows 0 and 1 (mean 0.5), S2 to row 0 (mean 0): S2 goes first.
    rows = layout.order_rows([["A"], ["P1", "P2"], ["S1", "S2"], ["C1"]], EDGES)
    assert rows == [["A"], ["P1", "P2"], ["S2", "S1"], ["C1"]]
    assert layout.crossings(rows, EDGES) == 0


def test_the_given_order_is_kept_when_nothing_crosses_less():
    edges = [("P1", "A"), ("P2", "A"), ("S1", "P1"), ("S2", "P2")]
    assert layout.order_rows([["A"], ["P1", "P2"], ["S1", "S2"]], edges) == [["A"], ["P1", "P2"], ["S1", "S2"]]


def test_boxes_with_no_lines_go_after_the_rest_when_rows_are_reordered():
    # Given: S2-P2 and S3-P1 cross. S3 (mean row 0) and S2 (1) swap; S1, joined to nothing, goes last.
    edges = [("P1", "A"), ("P2", "A"), ("S2", "P2"), ("S3", "P1")]
    rows = layout.order_rows([["A"], ["P1", "P2"], ["S1", "S2", "S3"]], edges)
    assert rows == [["A"], ["P1", "P2"], ["S3", "S2", "S1"]]


# --- Placing ----------------------------------------------------------------------------------


def test_positions_of_a_small_graph_worked_by_hand():
    placed = _placed()
    # Columns at x = 24 + c * (240 + 64); one-line boxes are 2 * 10 + 18 = 38 high, the
    # first at y = 24 + 40 = 64 and the next 38 + 16 lower, at 118.
    expected = {
        "A": (24, 64, 0),
        "P1": (328, 64, 0),
        "P2": (328, 118, 1),
        "S2": (632, 64, 0),
        "S1": (632, 118, 1),
        "C1": (936, 64, 0),
    }
    assert {b.key: (b.x, b.y, b.row) for b in placed.boxes} == expected
    assert all((b.width, b.height) == (240, 38) for b in placed.boxes)
    # 2 * 24 + 4 * 240 + 3 * 64 wide; the tallest column ends at 118 + 38 = 156, plus the margin.
    assert (placed.width, placed.height) == (1200, 180)
    assert [(h.text, h.x, h.y) for h in placed.headings] == [
        ("Aim", 24, 40),
        ("Primary drivers", 328, 40),
        ("Secondary drivers", 632, 40),
        ("Change ideas", 936, 40),
    ]


def test_a_box_with_several_parents_has_a_line_to_each():
    placed = _placed()
    assert ("P1", "S1") in placed.edges and ("P2", "S1") in placed.edges
    # Edges run left to right, whichever way they were given.
    assert all(placed.box(a).column + 1 == placed.box(b).column for a, b in placed.edges)
    assert len(placed.edges) == 6


def test_a_box_is_as_tall_as_its_wrapped_lines_and_pushes_the_next_down():
    long_text = "word " * 12  # 59 characters: lines of 28, 28 and 4 ("word word word word word" is 24)
    placed = layout.layout(
        [Node("A", "Aim", 0), Node("P1", long_text, 1, badge="See A1"), Node("P2", "Next", 1)],
        [("P1", "A"), ("P2", "A")],
        headings=["Aim", "Primary drivers"],
    )
    p1, p2 = placed.box("P1"), placed.box("P2")
    assert p1.lines == ("word word word word word", "word word word word word", "word word", "See A1")
    assert p1.height == 2 * 10 + 4 * 18 == 92
    assert p2.y == 64 + 92 + 16


def test_an_empty_column_still_has_its_heading():
    placed = layout.layout([Node("A", "Aim", 0)], [], headings=["Aim", "Primary drivers"])
    assert [h.empty for h in placed.headings] == [False, True]
    assert "None yet" in layout.render_svg(placed, title="t", description="d", svg_id="d1")


def test_an_edge_skipping_a_column_or_to_an_unknown_box_is_refused():
    with pytest.raises(ValueError, match="neighbouring"):
        layout.layout([Node("A", "a", 0), Node("C", "c", 2)], [("C", "A")], headings=["1", "2", "3"])
    with pytest.raises(ValueError, match="not in the diagram"):
        layout.layout([Node("A", "a", 0)], [("X", "A")], headings=["1"])


def test_notes_are_written_under_the_boxes():
    placed = layout.layout([Node("A", "Aim", 0)], [], headings=["Aim"], notes=[("A1 Assumption:", "People will come")])
    # Lowest box ends at 64 + 38 = 102; notes heading at 102 + 32 + 16 = 150, then a line 18 lower.
    assert [(n.text, n.y, n.bold) for n in placed.notes] == [
        ("Notes", 150, True),
        ("A1 Assumption: People will come", 168, False),
    ]
    assert placed.height == 168 + 24


# --- SVG ----------------------------------------------------------------------------------------


def _svg(nodes=NODES, edges=EDGES, **kwargs):
    placed = layout.layout(nodes, edges, headings=HEADINGS)
    return layout.render_svg(
        placed, title="Driver diagram: Fewer detentions", description="Desc", svg_id="d7", **kwargs
    )


def test_svg_is_well_formed_and_accessible():
    root = _parse(_svg())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "d7-title d7-desc"
    assert root.find(f"{SVG}title").text == "Driver diagram: Fewer detentions"
    assert root.find(f"{SVG}title").get("id") == "d7-title"
    assert root.find(f"{SVG}desc").get("id") == "d7-desc"
    assert (root.get("width"), root.get("viewBox")) == ("1200", "0 0 1200 180")


def test_svg_uses_no_style_attribute_and_prints_dark_on_white():
    svg = _svg()
    root = _parse(svg)
    assert not any("style" in el.attrib for el in root.iter())
    assert "<style" not in svg and "<script" not in svg
    background = root.find(f"{SVG}rect")
    assert (background.get("fill"), background.get("width")) == ("#ffffff", "1200")
    fills = {el.get("fill") for el in root.iter(f"{SVG}text")}
    assert fills == {"#212b32"}
    sizes = {int(el.get("font-size")) for el in root.iter() if el.get("font-size")}
    assert min(sizes) >= 14


def test_svg_draws_each_line_between_the_boxes_it_joins():
    root = _parse(_svg())
    paths = [p.get("d") for p in root.iter(f"{SVG}path")]
    # P2 (x 328, middle 118 + 19 = 137) to S1 (x 632, middle 137): right edge 568 to 632, mid 600.
    assert "M 568 137 C 600 137 600 137 632 137" in paths
    # A (right edge 264, middle 83) to P2 (left 328, middle 137).
    assert "M 264 83 C 296 83 296 137 328 137" in paths


def test_arrows_only_when_asked():
    assert "marker-end" not in _svg()
    with_arrows = _svg(arrows=True)
    assert with_arrows.count('marker-end="url(#d7-arrow)"') == 6
    assert '<marker id="d7-arrow"' in with_arrows


def test_aim_has_a_heavier_border_so_kinds_are_not_told_by_colour_alone():
    root = _parse(_svg())
    widths = [r.get("stroke-width") for r in root.iter(f"{SVG}rect") if r.get("stroke")]
    assert widths == ["3", "1.5", "1.5", "1.5", "1.5", "1.5"]


HOSTILE = [
    '<script>alert("x")</script>',
    "]]><script>alert(1)</script><![CDATA[",
    "</text></svg><svg onload=alert(1)>",
    "a & b \" ' < >",
    "null\x00byte and \x1b escape",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_inert(text):
    nodes = [Node("A", text, 0, badge=text), Node("P1", "ok", 1)]
    placed = layout.layout(nodes, [("P1", "A")], headings=[text, "Primary drivers"], notes=[(text, text)])
    svg = layout.render_svg(placed, title=text, description=text, svg_id="x1")
    root = _parse(svg)  # still well-formed XML
    assert "<script" not in svg and "<svg onload" not in svg and "]]>" not in svg
    assert "\x00" not in svg and "\x1b" not in svg
    tags = {el.tag for el in root.iter()}
    assert tags <= {f"{SVG}{t}" for t in ("svg", "title", "desc", "rect", "text", "tspan", "g", "path")}
    # The words are all still there, as text.
    assert root.find(f"{SVG}title").text == layout.clean_text(text)


def test_svg_id_must_be_a_plain_identifier():
    placed = layout.layout([Node("A", "a", 0)], [], headings=["Aim"])
    with pytest.raises(ValueError):
        layout.render_svg(placed, title="t", description="d", svg_id='x" onload="alert(1)')


def test_the_same_graph_gives_the_same_svg_byte_for_byte():
    assert _svg() == _svg()
    # and the order edges are given in does not matter
    assert _svg(edges=list(reversed(EDGES))) == _svg()


# --- Loops ------------------------------------------------------------------------------------


def test_path_between_finds_a_chain_through_parents():
    parents = {"C1": ["S2"], "S2": ["P1"], "P1": ["A"]}
    assert layout.path_between(parents, "C1", "A") == ["C1", "S2", "P1", "A"]
    assert layout.path_between(parents, "A", "C1") is None


# --- Text alternative -------------------------------------------------------------------------


def _outline():
    nodes = [OutlineNode(n.key, f"Kind{n.column}", n.text) for n in NODES]
    parents = {}
    for child, parent in EDGES:
        parents.setdefault(child, []).append(parent)
    return layout.outline(nodes, parents, ["A"])


def _flatten(items, depth=0):
    for item in items:
        yield depth, item
        yield from _flatten(item.children, depth + 1)


def test_outline_nests_each_box_under_what_it_serves():
    tree, unlinked = _outline()
    assert unlinked == []
    shape = [(depth, item.key, item.reference) for depth, item in _flatten(tree)]
    assert shape == [
        (0, "A", False),
        (1, "P1", False),
        (2, "S1", False),
        (2, "S2", False),
        (3, "C1", False),
        (1, "P2", False),
        (2, "S1", True),
    ]


def test_a_box_with_several_parents_is_in_full_once_and_says_what_else_it_serves():
    tree, _ = _outline()
    s1 = [item for _, item in _flatten(tree) if item.key == "S1"]
    full, ref = s1
    assert (full.reference, full.text, full.also_serves) == (False, "Secondary one", ("Kind1: Primary two",))
    assert (ref.reference, ref.children) == (True, [])
    assert [item for _, item in _flatten(tree) if not item.reference and item.key == "S1"] == [full]


def test_boxes_that_reach_no_aim_are_listed_apart_with_their_children():
    nodes = [OutlineNode("A", "Aim", "a"), OutlineNode("S9", "Secondary", "lost"), OutlineNode("C9", "Idea", "c")]
    tree, unlinked = layout.outline(nodes, {"C9": ["S9"]}, ["A"])
    assert [i.key for i in tree] == ["A"]
    assert [(i.key, [c.key for c in i.children]) for i in unlinked] == [("S9", ["C9"])]
