"""One meaning per symbol: the notation table of book/conventions.md, and the pages against it.

Each row of the table names a symbol (its LaTeX forms in the first column) and, in bold in
its meaning, the term by which the pages name that quantity in prose. A page that writes
such a term right before a symbol ("the **decay rate** $\\rho$", "eigenvalue $\\lambda$")
must use the row's symbol. A sentence that names how another source writes the quantity
("Nocedal and Wright write ...", "the lecture writes ...") is exempt: the conventions ask
for the other usage to be named once.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CONVENTIONS = BOOK / "conventions.md"

MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$\n]+?)\$", re.S)
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.S | re.M)
# Words that make a sentence one that names another source's letter.
NAMING_ANOTHER = re.compile(r"\b(write|writes|call|calls|abbreviates?)\b")


def base_symbol(latex: str, keep_subscript: bool = False) -> str:
    """The symbol a math snippet starts with, without spacing, subscripts of steps or
    entries, or a leading factor: `2\\lambda W` -> `\\lambda`, `\\nu_i` -> `\\nu`,
    `\\beta_1 = 0.9` -> `\\beta_1`, `\\hat m_t` -> `\\hat m`, `\\Delta g_i` -> `\\Delta g`."""
    s = latex.strip()
    s = re.sub(r"^[0-9.\s]+", "", s)
    s = re.sub(r"\\[,;!]|\\q?quad", " ", s).strip()
    # `_{\max}` makes a symbol of its own (`\nu_{\max}`, the largest curvature), kept always.
    extreme = r"|\{\\m(?:ax|in)\}"
    # `_{\text{...}}` too (`n_{\text{layers}}`, `\varepsilon_{\text{mach}}`).
    text = r"\{\\text\{\w+\}\}"
    subscript = (r"_(?:\w|" if keep_subscript else r"_(?:[0-9]|\{[0-9]\}|") + text + extreme + ")"
    match = re.match(
        r"(\\(?:hat|tilde)\s*\{?\s*[A-Za-z]\}?|\\Delta\s+[A-Za-z](?![A-Za-z])|\\operatorname\{\w+\}"
        r"|\\mathcal\s*\{[A-Za-z]\}|\\[A-Za-z]+|[A-Za-z])"
        r"(" + subscript + r")?",
        s,
    )
    if not match:
        return ""
    head = re.sub(r"\s+|[{}]", "", match.group(1)).replace("\\hat", "\\hat ")
    head = head.replace("\\tilde", "\\tilde ")
    head = re.sub(r"\\Delta(?=[A-Za-z])", r"\\Delta ", head)
    head = re.sub(r"^\\mathcal(\w)$", r"\\mathcal{\1}", head)
    sub = (match.group(2) or "").replace("{", "").replace("}", "")
    if sub.startswith("_\\text"):
        sub = "_{\\text{" + sub[len("_\\text") :] + "}}"
    return head + sub


def names_one_symbol(latex: str) -> bool:
    """Whether a math snippet is a symbol alone, or a symbol given a value (`\\rho`,
    `\\nu_i`, `\\delta = 0.99`), rather than an expression that merely starts with one."""
    rest = re.sub(
        r"^\s*(?:\\mathcal\s*\{[A-Za-z]\}|(\\(?:hat|tilde)\s*|\\Delta\s+(?=[A-Za-z]))?\\?[A-Za-z]+)",
        "",
        latex,
    )
    rest = re.sub(r"^(_\{[^}]*\}|_\w|\^\{[^}]*\}|\^\S)*", "", rest).strip()
    return rest == "" or re.match(r"(=|\\approx|\\in|,)", rest) is not None


def notation_table() -> list[tuple[list[str], list[str]]]:
    """The rows of the notation table: (symbols, bold terms of the meaning)."""
    text = CONVENTIONS.read_text()
    section = text.split("## Notation", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| $"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        symbols = [
            base_symbol(m, keep_subscript=True) for m in re.findall(r"\$([^$]+)\$", cells[0])
        ]
        terms = [term.lower() for term in re.findall(r"\*\*([^*]+)\*\*", cells[1])]
        rows.append((symbols, terms))
    return rows


def prose(page: Path) -> str:
    """A page's text outside its code cells (math, prose and captions of glued figures)."""
    return CODE_CELL.sub(lambda cell: "\n" * cell.group(0).count("\n"), page.read_text())


def solution_markdown() -> dict[str, str]:
    texts = {}
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        texts[notebook.name] = "\n\n".join(
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"
        )
    return texts


def misused_terms(text: str, owner: dict[str, str]) -> list[str]:
    """Each place where a bold term of the table stands right before a symbol that the
    table gives another meaning."""
    found = []
    for term, symbol in owner.items():
        pattern = re.compile(
            r"\b" + r"\s+".join(map(re.escape, term.split())) + r"(?:s|es)?\**[ \t]*\n?[ \t]*"
            r"\$([^$]+)\$",
            re.IGNORECASE,
        )
        for match in pattern.finditer(text):
            if not names_one_symbol(match.group(1)):
                continue
            written = base_symbol(match.group(1), keep_subscript=True)
            if written not in SYMBOL_ROWS:
                written = base_symbol(match.group(1))
            if written == symbol or written not in SYMBOL_ROWS:
                continue
            start = max(text.rfind(". ", 0, match.start()), text.rfind("(", 0, match.start()))
            sentence = text[start : match.end()]
            if NAMING_ANOTHER.search(sentence):
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {match.group(0)!r} (the table writes {symbol})")
    return found


ROWS = notation_table()
SYMBOL_ROWS = {symbol: index for index, (symbols, _) in enumerate(ROWS) for symbol in symbols}
# Each bold term, with the first symbol of its row.
TERM_OWNER = {term: symbols[0] for symbols, terms in ROWS for term in terms}
PAGES = sorted(page for page in BOOK.glob("*.md") if page.name != "conventions.md")


def test_does_the_notation_table_list_the_symbols_the_brief_names():
    listed = set(SYMBOL_ROWS)
    for symbol in ["\\rho", "\\delta", "h", "r", "\\lambda", "\\nu", "v", "m", "\\mu", "\\beta"]:
        assert symbol in listed, f"{symbol} is missing from the notation table"


def test_does_the_notation_table_give_x_y_and_the_coordinates_one_meaning_each():
    listed = set(SYMBOL_ROWS)
    for symbol in ["x", "y", "w_1", "w_2", "s", "\\Delta g"]:
        assert symbol in listed, f"{symbol} is missing from the notation table"
    rows = SYMBOL_ROWS
    assert rows["w_1"] == rows["w_2"] != rows["w"] and rows["x"] != rows["y"] != rows["\\Delta g"]
    table = CONVENTIONS.read_text().split("## Notation", 1)[1].split("\n## ", 1)[0]
    label_row = next(line for line in table.splitlines() if line.startswith("| $y$ |"))
    assert "BFGS" not in label_row and "change of the gradient" not in label_row, label_row
    assert "two-dimensional toy losses" not in table, "x and y are listed as coordinates still"


# The quasi-Newton functions of the second-order exercise, and the name of the argument that
# holds the change of the gradient (Delta g) or its list, wherever they are defined.
QUASI_NEWTON_ARGUMENTS = {
    "bfgs_update": ("H", "s", "grad_change"),
    "lbfgs_direction": ("g", "s_list", "grad_change_list"),
}


def defined_arguments(source: str) -> dict[str, tuple[str, ...]]:
    return {
        node.name: tuple(argument.arg for argument in node.args.args)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.name in QUASI_NEWTON_ARGUMENTS
    }


def quasi_newton_sources() -> dict[str, str]:
    sources = {}
    for folder in ("solutions", "exercises"):
        notebook = ROOT / folder / "second_order" / "second_order.ipynb"
        cells = json.loads(notebook.read_text())["cells"]
        sources[str(notebook.relative_to(ROOT))] = "\n\n".join(
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"
        )
    for path in [
        ROOT / "autograder" / "reference" / "second_order.py",
        *sorted((ROOT / "tests" / "alternative_solutions" / "second_order").glob("*.py")),
    ]:
        sources[str(path.relative_to(ROOT))] = path.read_text()
    return sources


@pytest.mark.parametrize("name", sorted(quasi_newton_sources()))
def test_do_the_quasi_newton_functions_take_the_change_of_the_gradient_as_grad_change(name):
    source = quasi_newton_sources()[name]
    defined = defined_arguments(source)
    assert set(defined) == set(QUASI_NEWTON_ARGUMENTS), f"{name} defines {sorted(defined)}"
    assert defined == QUASI_NEWTON_ARGUMENTS, (
        f"{name}: the change of the gradient is `grad_change` (Delta g), not y: {defined}"
    )


def test_is_every_symbol_of_the_notation_table_defined_once():
    seen: dict[str, int] = {}
    repeated = []
    for index, (symbols, _) in enumerate(ROWS):
        for symbol in symbols:
            if symbol in seen and seen[symbol] != index:
                repeated.append(symbol)
            seen[symbol] = index
    assert not repeated, f"symbols with more than one row: {repeated}"


def test_does_every_bold_term_of_the_table_belong_to_one_row():
    owners: dict[str, set[str]] = {}
    for symbols, terms in ROWS:
        for term in terms:
            owners.setdefault(term, set()).add(symbols[0])
    shared = {term: rows for term, rows in owners.items() if len(rows) > 1}
    assert not shared, f"terms that name more than one symbol: {shared}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_does_the_page_name_each_quantity_by_the_tables_symbol(page):
    misused = misused_terms(prose(page), TERM_OWNER)
    assert not misused, f"{page.name}:\n" + "\n".join(misused)


def test_do_the_solutions_name_each_quantity_by_the_tables_symbol():
    misused = [
        f"{name}: {place}"
        for name, text in solution_markdown().items()
        for place in misused_terms(text, TERM_OWNER)
    ]
    assert not misused, "\n".join(misused)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("with a **decay rate** $\\rho$ close to 1", ["\\delta"]),
        ("an eigenvector with eigenvalue $\\lambda$, the error", ["\\nu"]),
        ("a **second moment** $v$, RMSProp's average", []),
        ("a **velocity** $v$ of the gradients", []),
        ("the **decay rate** $\\delta = 0.99$", []),
        ("(the lecture writes the **decay rate** $\\rho$)", []),
    ],
)
def test_does_the_check_catch_a_symbol_of_another_meaning(text, expected):
    owner = {"decay rate": "\\delta", "eigenvalue": "\\nu", "velocity": "v"}
    assert [place.rsplit(" ", 1)[-1].rstrip(")") for place in misused_terms(text, owner)] == (
        expected
    )


# The loss L must not also stand for the largest curvature (the smoothness constant of texts
# on optimization), which the course writes \nu_{\max}. In math, an L used as a number: a
# learning rate 1/L or 2/(L + \mu), a product \eta L, a ratio L/\mu, \sqrt{L}, \frac{2}{L},
# an interval [\mu, L] or a definition L = \nu_{\max}; nor a length (a short side L = 256,
# L \in [256, 480]). The loss's L has an argument, a
# gradient or a minimum (L(W), \nabla L, L^*) and is never such a factor.
L_TOKEN = re.compile(r"(?<![A-Za-z\\{])L(?![A-Za-z0-9(_^'*-])|(?<=\{)L(?=\})")
L_AS_NUMBER_BEFORE = re.compile(
    r"(/\s*\(?|\\eta\s*|\\sqrt\s*\{?|\[\\mu,\s*|\\mu\s*\+\s*|\}\{|\\eta\s*\\mu\s*\+\s*)$"
)
L_AS_NUMBER_AFTER = re.compile(
    r"^\s*(/|\+\s*\\mu|-\s*\\mu|=\s*\\nu|,\s*\\mu\b|=\s*[0-9]|\\in\s*\[)"
)
# The same in plain text (captions, figure labels, printed output, feedback): 1/L, 2 / L,
# 2/(L + mu), eta L, L/mu, sqrt(L).
L_AS_NUMBER_PLAIN = re.compile(
    r"(?<![\w.])[0-9.]+\s*/\s*\(?\s*(?:\\?mu\s*\+\s*)?L\b(?![(-])|\beta\s+L\b|"
    r"(?<![\w\\])L\s*/\s*\\?mu\b|\bsqrt\(L\)|\bL\s*\+\s*\\?mu\b"
)
STRING_LITERAL = re.compile(r"""[rRfFbB]{0,2}("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")


def l_as_curvature_in_math(text: str) -> list[str]:
    found = []
    for match in MATH.finditer(text):
        latex = match.group(1) if match.group(1) is not None else match.group(2)
        for token in L_TOKEN.finditer(latex):
            before, after = latex[: token.start()], latex[token.end() :]
            if re.search(r"\\(nabla|partial)\S*\s*$|\\mathcal\{$", before):
                continue
            if L_AS_NUMBER_BEFORE.search(before) or L_AS_NUMBER_AFTER.match(after):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"line {line}: ${latex.strip()}$")
                break
    return found


def l_as_curvature_in_plain_text(text: str) -> list[str]:
    return [match.group(0) for match in L_AS_NUMBER_PLAIN.finditer(text)]


def code_cells(page: Path) -> list[str]:
    return [cell.group(0) for cell in CODE_CELL.finditer(page.read_text())]


def shown_text_of_code(code: str) -> list[str]:
    """What a reader sees of code: its string literals (labels, titles, printed text) with
    the replacement fields of f-strings removed, and the YAML lines of a cell's header
    (captions)."""
    shown = [line for line in code.splitlines() if re.match(r"\s*(caption|description):", line)]
    for literal in STRING_LITERAL.finditer(code):
        shown.append(re.sub(r"\{[^{}]*\}", "", literal.group(0)))
    return shown


def l_as_curvature_in_page(page: Path) -> list[str]:
    found = l_as_curvature_in_math(prose(page))
    for code in code_cells(page):
        for text in shown_text_of_code(code):
            found += [
                f"in code: {hit!r} of {text.strip()[:80]!r}"
                for hit in (l_as_curvature_in_plain_text(text) + l_as_curvature_in_math(text))
            ]
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_is_the_loss_l_never_the_largest_curvature_on_the_page(page):
    found = l_as_curvature_in_page(page)
    assert not found, (
        f"{page.name} writes L for something other than the loss (nu_max, a length):\n"
        + "\n".join(found)
    )


def test_is_the_loss_l_never_the_largest_curvature_in_solutions_and_feedback():
    found = []
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                found += [f"{notebook.name}: {hit}" for hit in l_as_curvature_in_math(source)]
            else:
                texts = shown_text_of_code(source)
                found += [
                    f"{notebook.name}: {hit!r}"
                    for text in texts
                    for hit in l_as_curvature_in_plain_text(text) + l_as_curvature_in_math(text)
                ]
    for checks in sorted((ROOT / "autograder" / "checks").glob("*.py")):
        for text in shown_text_of_code(checks.read_text()):
            found += [f"{checks.name}: {hit!r}" for hit in l_as_curvature_in_plain_text(text)]
    assert not found, "L written for something other than the loss:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text, caught",
    [
        ("converges exactly when $\\eta < 2/L$", True),
        ("the factor $1 - \\eta L$ of the steepest direction", True),
        ("$\\kappa = L / \\mu$", True),
        ("$$\\eta^* = \\frac{2}{\\sqrt{L} + \\sqrt{\\mu}}$$", True),
        ("$$0 < \\eta < \\frac{2}{L}$$", True),
        ("eigenvalues in $[\\mu, L]$", True),
        ("the best rate $2/(\\mu + L)$", True),
        ("with $L = \\nu_{\\max}(A)$", True),
        ("At $L = 256$ a crop covers", True),
        ("short side $L \\in [256, 480]$", True),
        ("the loss $L(W) + \\lambda R(W)$ and its gradient $\\nabla L$", False),
        ("$\\partial^2 L / \\partial w_i \\partial w_j$", False),
        ("the gap $L - L^*$ and the loss $L$", False),
        ("$\\eta < 2/\\nu_{\\max}$ and $\\kappa = \\nu_{\\max}/\\mu$", False),
        ("$\\nabla_\\theta \\mathcal{L}$", False),
    ],
)
def test_does_the_check_catch_l_as_the_largest_curvature_in_math(text, caught):
    assert bool(l_as_curvature_in_math(text)) is caught


@pytest.mark.parametrize(
    "text, caught",
    [
        ("caption: ... at the learning rate 1/L. Left, ...", True),
        ('"with lr above 2/L"', True),
        ('f"2 / L = "', True),
        ('"at its best learning rate 2/(L + mu)"', True),
        ('"with eta L = 1 the error"', True),
        ('"(2/(sqrt(L) + sqrt(mu)))^2"', True),
        ('"L - L* after 30 epochs"', False),
        ('"the minimum L(W*)"', False),
        ('"with lr above 2/nu_max"', False),
        ('"L2 penalty 0.01", "L-BFGS"', False),
    ],
)
def test_does_the_check_catch_l_as_the_largest_curvature_in_plain_text(text, caught):
    found = l_as_curvature_in_plain_text(text) + [
        hit for line in shown_text_of_code(text) for hit in l_as_curvature_in_math(line)
    ]
    assert bool(found) is caught


# Letters that had a second meaning, each resolved by giving one of the meanings another
# symbol. A retired usage is a pattern on what a reader sees: a page's prose and math, the
# captions, labels and titles of its code, the solutions' markdown and docstrings, the
# checks' feedback, and the docstrings and labels of the helper package (`optlab.<module>`).
# Each names the pages (chapter names) it is looked for on, None for all of them, what it
# meant and what the course writes instead. A sentence that names another
# source's letter ("most texts write $L$ for the number of layers") is exempt.
class Retired(NamedTuple):
    pattern: str
    chapters: tuple[str, ...] | None
    meant: str
    write: str


RETIRED = [
    Retired(r"\\mathcal\s*\{?\s*L\b", None, "the loss", "L"),
    Retired(
        r"\$L\$\s+layers|layers? \$L\$|(?<![\w\\])L\s*-\s*(?:1|k|n_)(?![\w(])"
        r"|(?<![\w\\])l\s*(?:=|<|\\le|\\leq|<=)\s*L(?![\w(])",
        None,
        "the number of layers",
        "n_{\\text{layers}}",
    ),
    Retired(
        r"\$k\$|\$k\s*[-=]|-\s*k\$",
        ("transfer",),
        "the number of layers trained",
        "n_{\\text{train}}",
    ),
    Retired(r"\\alpha_[ik1-3]", ("augmentation",), "the PCA color offsets", "\\zeta_k"),
    Retired(r"(?<![\w\\])p_[ik1-3](?!\w)", ("augmentation",), "the principal components", "q_k"),
    Retired(
        r"\\lambda_[ik1-3]", ("augmentation",), "the eigenvalues of the color covariance", "\\nu_k"
    ),
    Retired(
        r"(?<![\w\\])b\s*\^\s*(?:\\top|T\b)|A\s*w(?:\^\*|\^\{\*\})?\s*[-=]\s*b(?![\w}])",
        None,
        "the linear term of a quadratic",
        "u",
    ),
    Retired(
        r"\$\s*b(?![\w}])|(?<![\w\\])b\s*\\sim|(?<![\w\\])c\\,\s*\(",
        ("augmentation",),
        "color jitter's brightness and contrast factors",
        "\\psi_b, \\psi_c",
    ),
    Retired(
        r"(?<![\w\\])[ab]\$? \(along \$[UV]\$\)|\+\s*aU\b|\+\s*tU\b|\\frac\{d\}\{dt\} L\(W",
        ("random_search",),
        "the steps along the directions U and V of a slice",
        "\\alpha, \\alpha_U, \\alpha_V",
    ),
    Retired(r"\\sigma\b", ("random_search",), "the step size of random local search", "\\tau"),
    Retired(
        r"\\sigma\b(?!\s*_)|\(sigma = ",
        ("augmentation",),
        "the spread of the PCA color offsets",
        "\\sigma_{\\text{pca}}",
    ),
    Retired(
        r"\$p\$|(?<![\w\\])p\s*=\s*-|\\top\s*p\b|\\,\s*p\b|\\min_p\b|@ p\b|\(w \+ p\)",
        ("second_order",),
        "a step of the weights and Newton's step",
        "\\Delta w, \\Delta w_{\\text{N}}",
    ),
    Retired(
        r"\$p\$|\$p\s*=|1\s*-\s*p(?![\w{])|1-p\)",
        ("regularization",),
        "dropout's drop probability",
        "p_{\\text{drop}}",
    ),
    Retired(
        r"(?<![\w\\])w_(?:k\b|\{k\s*\+\s*1\})|\^\{\(k(?:\+1)?\)\}|step \$k\$|row \$k\$|row `k`",
        ("gradient_descent",),
        "gradient descent's step index",
        "t",
    ),
    Retired(
        r"L\(x,\s*y\)|\(1\s*-\s*x\)|(?<![\w\\])y\s*-\s*x\^2|(?<![\w\\])y\^[2-4]"
        r"|\by_\{?(?:0|t)\b|along \$?[xy]\$?(?:[ ,.)]|$)|\b(?:on|line|past) \$?[xy]\s*=\s*0\b"
        r"|\bno \$?y\$? component|(?<![\w\\])\$?[xy]\$? (?:coordinate|direction)\b"
        r"|\$[xy]\s*=\s*-?1\.5\$|\bof y per step|\by0 = |\bw_[12]\s*[xy]\b",
        None,
        "the coordinates of a two-dimensional problem",
        "w_1, w_2 (an iterate's: w_{t,2})",
    ),
    Retired(
        r"\\top\s*y\b|(?<![\w\\])y\s*\^\s*(?:\\top|T\b)|\by\s*@\s*s\b|\bs\s*@\s*y\b"
        r"|\(s_?i?,\s*y_?i?\)|(?<![\w\\])H(?:_\{\\text\{new\}\})?\s*(?:\\,\s*)?y(?:_j)?\b"
        r"|(?<![\w\\])y\s*(?:=|\\approx)\s*(?:g_|\\nabla|A\s*s|\\Delta)|\$y\$|\by_list\b",
        ("second_order", "optlab.linesearch"),
        "the change of the gradient over a quasi-Newton step",
        "\\Delta g",
    ),
    Retired(
        r"(?<![\w\\])s\s*g\b|(?:length|small) \$s\$",
        ("random_search",),
        "the length of a random step of random local search",
        "\\alpha (the try W + \\tau Z)",
    ),
    Retired(
        r"\\(?:text|operatorname)\s*\{rel\}\s*\(\s*x\b|\brelative_error\(\s*x\b"
        r"|\|x(?:_i)?\s*-\s*y(?:_i)?\||\|x(?:_i)?\|\s*\+\s*\|y(?:_i)?\||\(\|x\|,\s*\|y\|\)",
        None,
        "the two arrays a relative error compares",
        "\\text{rel}(a, n) (a analytic, n numeric), relative_error(a, n)",
    ),
    Retired(
        r"\$f\$|\$f\s*[<=]|(?<![\w\\])f\s*(?:\\,\s*)?\\eta|factor \$?f\b|(?<![\w\\])f = "
        r"|\bf times\b",
        ("transfer",),
        "the fine-tuning factor",
        "\\chi",
    ),
    Retired(
        r"\\mathbb\{E\}_\{?z\b|(?<![\w\\])p\(z\)|f\(x,\s*z\)|noise \$z\$|variable \$z\$"
        r"|\\,\s*dz\b",
        None,
        "the noise a method adds in training",
        "\\omega",
    ),
    Retired(
        r"(?<![\w\\])a\s*=\s*w_1|\\mathbb\{E\}\s*\[\s*a\s*\]",
        None,
        "the output of a single neuron",
        "w_1 x_1 + w_2 x_2, without a letter (a is the analytic gradient)",
    ),
    Retired(
        r"(?<![\w\\])y\s*=\s*f\s*\(",
        None,
        "the prediction of a network (y is the labels)",
        "f(x), f_{\\text{test}}(x)",
    ),
    Retired(
        r"activations \$h\$|(?<![\w\\])h\s*\\cdot\s*\\xi",
        ("regularization",),
        "a layer's activations (h is the step of a finite difference)",
        "x",
    ),
    Retired(
        r"(?<![\w\\])e_\{?t\b|\\lVert e_",
        ("momentum",),
        "the error along an eigenvector (e_k is a unit vector)",
        "c^{(t)} = q^\\top (w_t - w^*)",
    ),
    Retired(
        r"\\sqrt\{n\}",
        ("regularization",),
        "the number of draws averaged (n is the numeric gradient)",
        "K",
    ),
    Retired(
        r"layer \$d\$|depth=d\b|\$d\s*\+\s*1\$",
        ("transfer",),
        "the depth a linear probe reads (d is a search direction)",
        "l",
    ),
    Retired(
        r"\{W\}|/W\b|first \$W\$|\$W\s*=\s*T",
        ("schedules",),
        "the warmup length (W is the weights)",
        "t_{\\text{warm}}",
    ),
    Retired(
        r"\\partial f\b|\$f\(w\b",
        None,
        "the loss as a function of the weights (f is a network's function)",
        "L",
    ),
    Retired(
        r"gradient of \$D\$ entries|\$2D\$ evaluations",
        ("gradients",),
        "the number of weights (D is the number of input features)",
        "P",
    ),
    Retired(
        r"\\eta_e\b|\\lfloor\s*e\s*/|(?<![\w\\])d\s*\^\s*\{?\s*(?:\\,\s*)?\\lfloor|\$e\$ the epoch"
        r"|by\s*(?:\}\s*)?\$?d\$?\s*(?:\\text\{\s*)?every|every\s*(?:\}\s*)?[$`]k[$`]?\s*(?:\\text\{\s*)?epochs"
        r"|step_size=k\b|gamma=factor\b",
        ("schedules", "conventions"),
        "step decay's factor, period and epoch (e, d and k have other meanings)",
        "\\eta_t = \\eta_0 \\gamma_{\\text{drop}}^{\\lfloor t / t_{\\text{drop}} \\rfloor}",
    ),
    Retired(
        r"\\mathbb\{E\}_\{?T\b|(?<![\w\\])T(?:_\{?[k1K]\}?)?\s*\(|transformations?\**\s*\$T\b"
        r"|fresh \$T\$",
        ("augmentation", "regularization"),
        "a random transformation of the input (T is a run's number of steps)",
        "\\mathcal{A}",
    ),
    Retired(
        r"(?<![\w\\])s_(?:\{i|i[jky]|j\b|k\b)|e\^\{?s_",
        ("gradients", "random_search"),
        "an entry of the class scores (s is a quasi-Newton step)",
        "S_{ij}",
    ),
    Retired(
        r"\\ell'?\s*\(\s*s\s*\)|e\^\{-?s\}|margin \$s\$|\$s\s*=\s*1\$|\bell\(s\b"
        r"|\bmargin s\b|\bdtype of s\b",
        ("gradients",),
        "the margin of two class scores (s is a quasi-Newton step)",
        "\\Delta S",
    ),
    Retired(
        r"\\varphi'?\s*\(\s*t\b|w_0\s*\+\s*t\s*d\b|distance \$t\$|\$t\s*=\s*-\s*\\varphi"
        r"|\b(?:as|at) \$t(?:\$|\s*=)",
        ("second_order",),
        "the step along a line (t is the step counter)",
        "\\alpha, \\varphi(\\alpha) = L(w_0 + \\alpha d)",
    ),
]
DOCSTRING = re.compile(r'"""(.*?)"""', re.S)


def shown_texts() -> dict[str, list[str]]:
    """What readers see, by chapter: the pages, the solutions and the checks' feedback."""
    texts: dict[str, list[str]] = {}
    for page in PAGES:
        shown = [prose(page)] + [
            text for code in code_cells(page) for text in shown_text_of_code(code)
        ]
        texts.setdefault(page.stem, []).extend(shown)
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                shown = [source]
            else:
                shown = DOCSTRING.findall(source) + shown_text_of_code(DOCSTRING.sub("", source))
            texts.setdefault(notebook.stem, []).extend(shown)
    for checks in sorted((ROOT / "autograder" / "checks").glob("*.py")):
        texts.setdefault(checks.stem, []).extend(shown_text_of_code(checks.read_text()))
    # The conventions page past its notation table (whose last column names other sources'
    # letters): the update rules, the schedules and the gradient check.
    rules = CONVENTIONS.read_text().split("## Notation", 1)[1].split("\n## ", 1)[1]
    texts.setdefault("conventions", []).append(rules)
    # The helper package students install: its docstrings, labels and messages.
    for module in sorted((ROOT / "student" / "optlab").glob("*.py")):
        source = module.read_text()
        texts.setdefault(f"optlab.{module.stem}", []).extend(
            DOCSTRING.findall(source) + shown_text_of_code(DOCSTRING.sub("", source))
        )
    return texts


def retired_usages(text: str, retired: Retired) -> list[str]:
    found = []
    for match in re.finditer(retired.pattern, text):
        start = max(text.rfind(". ", 0, match.start()), text.rfind("(", 0, match.start()))
        if NAMING_ANOTHER.search(text[max(start, 0) : match.end()]):
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append(f"line {line}: {text[max(0, match.start() - 30) : match.end() + 10]!r}")
    return found


SHOWN = shown_texts()


@pytest.mark.parametrize("retired", RETIRED, ids=lambda retired: retired.meant)
def test_is_each_resolved_letter_left_with_one_meaning(retired):
    found = [
        f"{chapter}: {hit}"
        for chapter, texts in SHOWN.items()
        if retired.chapters is None or chapter in retired.chapters
        for text in texts
        for hit in retired_usages(text, retired)
    ]
    assert not found, (
        f"written for {retired.meant}, which the course writes ${retired.write}$:\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize(
    "text, meant",
    [
        ("on the gradient of the minibatch loss $\\mathcal{L}$:", "the loss"),
        ("Take a network of $L$ layers trained", "the number of layers"),
        ("the features of layer $L-1$ into", "the number of layers"),
        ("\\text{if } l = L \\quad", "the number of layers"),
        ("l <= L - num_trainable_layers", "the number of layers"),
        ("settings of $k$ and $f$", "the number of layers trained"),
        ("($k = L$, $f = 1$)", "the number of layers trained"),
        ("$[R, G, B] + \\sum_{k=1}^{3} \\alpha_k \\sqrt{\\nu_k}\\; p_k$", "the PCA color offsets"),
        ("unit eigenvectors $p_1, p_2, p_3$", "the principal components"),
        (
            "has eigenvalues $\\lambda_1 \\ge \\lambda_2$",
            "the eigenvalues of the color covariance",
        ),
        (
            "(The AlexNet paper writes the draws $\\alpha_i$ and adds $\\alpha_i \\lambda_i p_i$)",
            None,
        ),
        ("L(w) = 1/2 w^T A w - b^T w, with $A w^* = b$", "the linear term of a quadratic"),
        ("$\\nabla L(w) = A w - b = A(w - w^*)$", "the linear term of a quadratic"),
        (
            "it draws $b \\sim U[1 - \\Delta_b, 1 + \\Delta_b]$",
            "color jitter's brightness and contrast factors",
        ),
        (
            "x' = \\bar{x}_b + c\\, (b\\, x - \\bar{x}_b)",
            "color jitter's brightness and contrast factors",
        ),
        ('xlabel="$a$ (along $U$)"', "the steps along the directions U and V of a slice"),
        ("a plane, $W_0 + aU + bV$", "the steps along the directions U and V of a slice"),
        (
            "it tries $W + \\sigma Z$, where $\\sigma$ is the step size",
            "the step size of random local search",
        ),
        (
            "the temple with random PCA color offsets (sigma = 0.5):",
            "the spread of the PCA color offsets",
        ),
        (
            "the step solves the linear system $\\nabla^2 L\\, p = -g$",
            "a step of the weights and Newton's step",
        ),
        ("the loss after a step $p$:", "a step of the weights and Newton's step"),
        (
            "One Newton step: computed by solving hessian @ p = g.",
            "a step of the weights and Newton's step",
        ),
        ("a unit survives with the keep probability $1 - p_{\\text{drop}}$", None),
        ("(Nocedal and Wright write $p_k^N$ for Newton's step)", None),
        ('"after dropout, $h \\\\cdot m / (1-p)$"', "dropout's drop probability"),
        ("repeats $w_{k+1} = w_k - \\eta \\nabla L(w_k)$", "gradient descent's step index"),
        ("coordinates $c_i^{(k)} = q_i^\\top (w_k - w^*)$", "gradient descent's step index"),
        ("whose row `k` holds the weights after `k` steps", "gradient descent's step index"),
        ("(Nocedal and Wright write the steps $x_k$)", None),
        ("(Nocedal and Wright write $b$ for the linear term, $A w^* = b$)", None),
        ("the buffer $b_{t+1} = \\rho\\, b_t + \\nabla L(w_t)$ and $\\psi_b \\sim U$", None),
        ("(most texts write $L$ for the number of layers; the course keeps $L$)", None),
        ("the loss $L(W)$, its gradient $\\nabla L$ and the gap $L - L^*$", None),
        (
            "$L(x, y) = (1 - x)^2 + 100 (y - x^2)^2$",
            "the coordinates of a two-dimensional problem",
        ),
        (
            "the $y$ coordinate obeys $y_{t+1} \\approx (1 + \\eta)\\, y_t$",
            "the coordinates of a two-dimensional problem",
        ),
        (
            'print("started on y = 0, momentum ends at")',
            "the coordinates of a two-dimensional problem",
        ),
        (
            'label="gradient descent, $y_0 = 10^{-3}$"',
            "the coordinates of a two-dimensional problem",
        ),
        ("a single neuron $a = w_1 x + w_2 y$", "the coordinates of a two-dimensional problem"),
        ("$w_{t+1,2} \\approx (1 + \\eta)\\, w_{t,2}$ near the line $w_2 = 0$", None),
        ("Rosenbrock's $(1 - w_1)^2 + 100\\,(w_2 - w_1^2)^2$, a neuron $w_1 x_1 + w_2 x_2$", None),
        (
            "why it needs the curvature condition $y^\\top s > 0$",
            "the change of the gradient over a quasi-Newton step",
        ),
        (
            "This is the **secant equation**: $H_{\\text{new}}\\, y = s$",
            "the change of the gradient over a quasi-Newton step",
        ),
        (
            '"gamma = s^T y / y^T y of the newest pair"',
            "the change of the gradient over a quasi-Newton step",
        ),
        ("a pair `(s, y)` is one step", "the change of the gradient over a quasi-Newton step"),
        ("the last $M$ pairs $(s_i, y_i)$", "the change of the gradient over a quasi-Newton step"),
        (
            "$\\Delta g^\\top s > 0$, $H_{\\text{new}}\\, \\Delta g = s$, $(s_i, \\Delta g_i)$",
            None,
        ),
        ("(Nocedal and Wright write the change of the gradient $y_k$)", None),
        (
            "a step of small length $s$ gains about $s g / \\sqrt{2\\pi P}$",
            "the length of a random step of random local search",
        ),
        ("a step of small length $\\alpha$ gains about $\\alpha g / \\sqrt{2\\pi P}$", None),
        (
            "\\text{rel}(x, y) = \\max_i \\frac{|x_i - y_i|}{\\max(10^{-8},\\ |x_i| + |y_i|)}",
            "the two arrays a relative error compares",
        ),
        (
            "Returns the maximum over entries of |x - y| / max(1e-8, |x| + |y|)",
            "the two arrays a relative error compares",
        ),
        (
            '"relative_error returned nan: divide by max(1e-8, |x|+|y|)"',
            "the two arrays a relative error compares",
        ),
        (
            "test_relative_error    relative_error(x, y)",
            "the two arrays a relative error compares",
        ),
        (
            "$\\text{rel}(a, n) = \\max_i |a_i - n_i| / \\max(10^{-8}, |a_i| + |n_i|)$, "
            "relative_error(a, n), the notes' max(|a|, |n|)",
            None,
        ),
        (
            "with a **fine-tuning factor** $f < 1$ (the default is $f = 0.1$)",
            "the fine-tuning factor",
        ),
        ("fine-tune the second at $f\\eta$ and the head at $\\eta$", "the fine-tuning factor"),
        ("\\text{head}\\\\ f\\,\\eta & \\text{if }", "the fine-tuning factor"),
        ('xlabel="fine-tuning factor $f$"', "the fine-tuning factor"),
        ('"mean test accuracy at f = 0.1"', "the fine-tuning factor"),
        ("learning rate set to f times the head's", "the fine-tuning factor"),
        ("a **fine-tuning factor** $\\chi < 1$, at $\\chi\\eta$; $f(x; W)$", None),
        (
            "a random variable $z$ enters the network: its output $f(x, z)$",
            "the noise a method adds in training",
        ),
        (
            "= \\mathbb{E}_z\\big[f(x, z)\\big] = \\int p(z)\\, f(x, z)\\, dz",
            "the noise a method adds in training",
        ),
        ("| method | the noise $z$ in training |", "the noise a method adds in training"),
        (
            "$f_{\\text{test}}(x) = \\mathbb{E}_\\omega[f(x, \\omega)]$, roots $z$ of $z^2 - z$",
            None,
        ),
        ("a single neuron $a = w_1 x_1 + w_2 x_2$ whose", "the output of a single neuron"),
        ("\\mathbb{E}[a] = \\tfrac14 (w_1 x_1 + w_2 x_2)", "the output of a single neuron"),
        ("a neuron that outputs $w_1 x_1 + w_2 x_2$; $\\text{rel}(a, n)$", None),
        ("y = f(x) = \\mathbb{E}_\\omega", "the prediction of a network (y is the labels)"),
        ("$y_i$ the label of $x_i$, with $f(x_i; W)_{y_i}$", None),
        (
            '"activations $h$", r"after dropout, $h \\cdot \\xi / (1 - p_{\\text{drop}})$"',
            "a layer's activations (h is the step of a finite difference)",
        ),
        ('"activations $x$", r"after dropout, $x \\odot \\xi$"', None),
        (
            "the error $e_t$ of momentum obeys $e_{t+1} = e_t - \\rho\\, e_{t-1}$",
            "the error along an eigenvector (e_k is a unit vector)",
        ),
        (
            "$(\\lVert e_{150} \\rVert / \\lVert e_{75} \\rVert)^{1/75}$",
            "the error along an eigenvector (e_k is a unit vector)",
        ),
        ("$c^{(t+1)} = c^{(t)}$, $\\lVert w_{150} - w^* \\rVert$, $L(w + h e_k)$", None),
        (
            "the distance shrinks as $1/\\sqrt{n}$",
            "the number of draws averaged (n is the numeric gradient)",
        ),
        (
            "after layer $d$ (`forward(params, X, depth=d)`)",
            "the depth a linear probe reads (d is a search direction)",
        ),
        (
            "keep the layers up to $d+1$",
            "the depth a linear probe reads (d is a search direction)",
        ),
        ("after layer $l$ (`depth=l`), up to $l+1$; a direction $d$", None),
        (
            "\\eta_0 \\min\\!\\left(1, \\frac{t + 1}{W}\\right)",
            "the warmup length (W is the weights)",
        ),
        ("over the first $W$ steps, from $\\eta_0/W$", "the warmup length (W is the weights)"),
        ("The warmup lasts $W = T/20$ steps", "the warmup length (W is the weights)"),
        ("$t_{\\text{warm}} = T/20$, $\\eta_0/t_{\\text{warm}}$, the gap $L(W) - L(W^*)$", None),
        (
            "the **Armijo condition**: $f(w + \\alpha d) \\le f(w) + c_1 \\alpha\\, g^\\top d$",
            "the loss as a function of the weights (f is a network's function)",
        ),
        (
            "\\frac{\\partial f}{\\partial w_i} \\approx \\frac{f(w + h e_i) - f(w - h e_i)}{2h}",
            "the loss as a function of the weights (f is a network's function)",
        ),
        (
            "$L(w + \\alpha d) \\le L(w)$, with `f` computing $L$; $f(x; W)$, $f(x, \\omega)$",
            None,
        ),
        (
            "A gradient of $D$ entries costs $2D$ evaluations.",
            "the number of weights (D is the number of input features)",
        ),
        ("A gradient of $P$ entries costs $2P$ evaluations; $D$ input features", None),
        (
            "\\text{step decay:}\\quad & \\eta_e = \\eta_0\\, d^{\\,\\lfloor e / k \\rfloor}",
            "step decay's factor, period and epoch (e, d and k have other meanings)",
        ),
        (
            "&& \\text{(multiply by } d \\text{ every } k \\text{ epochs)}",
            "step decay's factor, period and epoch (e, d and k have other meanings)",
        ),
        (
            "$T$ the number of steps of the run, and $e$ the epoch.",
            "step decay's factor, period and epoch (e, d and k have other meanings)",
        ),
        (
            "- The lectures' schedules are step decay (multiply by $d$ every",
            "step decay's factor, period and epoch (e, d and k have other meanings)",
        ),
        (
            "| multiply `lr` by a factor every `k` epochs | `StepLR(step_size=k, gamma=factor)` |",
            "step decay's factor, period and epoch (e, d and k have other meanings)",
        ),
        (
            "\\eta_t = \\eta_0\\, \\gamma_{\\text{drop}}^{\\,\\lfloor t / t_{\\text{drop}} "
            "\\rfloor}, "
            "every $t_{\\text{drop}}$ epochs; $\\eta_0 e^{-kt}$, "
            "`StepLR(step_size=every, gamma=drop)`",
            None,
        ),
        (
            "Augmentation picks a family of random transformations $T$",
            "a random transformation of the input (T is a run's number of steps)",
        ),
        (
            "\\mathbb{E}_{T}\\Big[ L\\big(f(T(x_i); W),\\, y_i\\big) \\Big]",
            "a random transformation of the input (T is a run's number of steps)",
        ),
        (
            "\\approx \\frac{1}{K} \\sum_{k=1}^{K} f(T_k(x); W)",
            "a random transformation of the input (T is a run's number of steps)",
        ),
        (
            "a fresh $T$ is drawn and applied",
            "a random transformation of the input (T is a run's number of steps)",
        ),
        (
            "**random transformations** $\\mathcal{A}$, "
            "$\\mathbb{E}_{\\mathcal{A}}[f(\\mathcal{A}(x); W)]$, "
            "$\\mathcal{A}_1, \\dots, \\mathcal{A}_K$; $T$ steps, $t_{\\text{warm}} = T/20$",
            None,
        ),
        (
            "one score per class, $s_{ij} = x_i^\\top w_j$",
            "an entry of the class scores (s is a quasi-Newton step)",
        ),
        (
            "p_{ij} = \\frac{e^{s_{ij}}}{\\sum_{k=1}^{C} e^{s_{ik}}}",
            "an entry of the class scores (s is a quasi-Newton step)",
        ),
        (
            "$s_j = x^\\top w_j$ and $p_j = e^{s_j} / \\sum_k e^{s_k}$",
            "an entry of the class scores (s is a quasi-Newton step)",
        ),
        (
            "sum over j != y_i of max(0, s_ij - s_iyi + 1) with S = X W",
            "an entry of the class scores (s is a quasi-Newton step)",
        ),
        ("$S_{ij} = x_i^\\top w_j$, $e^{S_{ij}}$, max(0, S_ij - S_iyi + 1); a step $s$", None),
        (
            "the margin $s$ by which the correct class's score beats the other one",
            "the margin of two class scores (s is a quasi-Newton step)",
        ),
        (
            "$\\ell(s) = \\log(1 + e^{-s})$, with $\\ell'(s) = -1/(1 + e^{s})$",
            "the margin of two class scores (s is a quasi-Newton step)",
        ),
        (
            "Two-class softmax loss as a function of the margin s, in the dtype of s.",
            "the margin of two class scores (s is a quasi-Newton step)",
        ),
        (
            "the **margin** $\\Delta S$: $\\ell(\\Delta S) = \\log(1 + e^{-\\Delta S})$ at "
            "$\\Delta S = 1$; a quasi-Newton step $s$ with $\\Delta g^\\top s > 0$",
            None,
        ),
        (
            "a function of one variable, $\\varphi(t) = L(w_0 + t d)$, with slope",
            "the step along a line (t is the step counter)",
        ),
        (
            "Newton's step along this line, $t = -\\varphi'(0) / \\varphi''(0) =$",
            "the step along a line (t is the step counter)",
        ),
        (
            "the loss curves less as $t$ grows, the curvature at $t = 0$",
            "the step along a line (t is the step counter)",
        ),
        (
            'xlabel="distance $t$ along $-g / \\\\|g\\\\|$"',
            "the step along a line (t is the step counter)",
        ),
        (
            "$\\varphi(\\alpha) = L(w_0 + \\alpha d)$, Newton's step "
            "$\\alpha = -\\varphi'(0) / \\varphi''(0)$; at step $t$ of the run, $w_t$",
            None,
        ),
    ],
)
def test_does_the_check_catch_a_retired_usage(text, meant):
    caught = [retired.meant for retired in RETIRED if retired_usages(text, retired)]
    assert caught[:1] == ([meant] if meant else [])


def test_does_the_table_catch_the_old_letters_of_a_transformation_and_a_score():
    """Besides the retired patterns, the rows of T, A and S make a page that names a
    random transformation or a class score by the old letter fail the term check."""
    assert misused_terms("a family of **random transformations** $T$ (a flip)", TERM_OWNER)
    assert not misused_terms("a family of **random transformations** $\\mathcal{A}$", TERM_OWNER)
    assert base_symbol("\\mathcal{A}_k(x)") == "\\mathcal{A}"
    assert SYMBOL_ROWS["T"] != SYMBOL_ROWS["\\mathcal{A}"]


def test_does_every_relative_error_take_the_tables_a_and_n():
    """The code's `relative_error(a, n)`, as the formula's rel(a, n): the exercise students
    see, the hidden reference and the alternative solutions (their code, which the retired
    patterns on shown text do not read)."""
    notebook = json.loads((ROOT / "solutions/gradients/gradients.ipynb").read_text())
    reference = ROOT / "autograder/reference/gradients.py"
    sources = {
        "solutions/gradients/gradients.ipynb": "\n".join(
            "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"
        ),
        "autograder/reference/gradients.py": reference.read_text(),
    }
    for path in sorted((ROOT / "tests/alternative_solutions/gradients").glob("*.py")):
        sources[str(path.relative_to(ROOT))] = path.read_text()
    found = {
        name: [arg.arg for arg in node.args.args]
        for name, source in sources.items()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.name == "relative_error"
    }
    assert set(found) == set(sources), f"no relative_error in {set(sources) - set(found)}"
    wrong = {name: args for name, args in found.items() if args != ["a", "n"]}
    assert not wrong, f"relative_error's arguments, not (a, n): {wrong}"


def test_does_the_table_give_the_margin_and_the_loss_along_a_line_their_own_rows():
    """The rows of Delta S and phi make the term check catch the old letters as well: the
    margin written s (a quasi-Newton step), the loss along a line written with t."""
    assert base_symbol("\\Delta S = 1") == "\\Delta S" != base_symbol("\\Delta g")
    assert SYMBOL_ROWS["\\Delta S"] not in (SYMBOL_ROWS["s"], SYMBOL_ROWS["S"])
    assert misused_terms("as a function of the **margin** $s$ by which", TERM_OWNER)
    assert not misused_terms("as a function of the **margin** $\\Delta S$ by which", TERM_OWNER)
    assert SYMBOL_ROWS["\\varphi"] != SYMBOL_ROWS["\\alpha"]
    assert not misused_terms("the **loss along a line** $\\varphi$, its slope", TERM_OWNER)
