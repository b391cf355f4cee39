"""Text as sources write it -> text as people read it: LaTeX markup (BibTeX names such as
``J\\"ager, Paul F.``, arXiv titles such as ``$\\mathrm{SAM^{Med}}$: ...``) and HTML
entities decoded to Unicode with pylatexenc and the standard library.

Only text that carries markup is touched: a plain title passes through unchanged, because
LaTeX reads ``%`` as a comment and ``--`` as a dash, and plain text means neither.
"""

from __future__ import annotations

import html
import re

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# Math is a pair of unescaped dollars: a lone one is a price or a currency ("under $10").
_LATEX = re.compile(r"\\[A-Za-z\"'`^~=.%&_#$]|(?<!\\)\$[^$]+(?<!\\)\$|[{}]")
_HTML_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_MATH = re.compile(r"(?<!\\)\$[^$]+(?<!\\)\$")
_LONE_DOLLAR = re.compile(r"(?<!\\)\$")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
# Link macros first, by hand: pylatexenc's \href wants two arguments and arXiv abstracts
# often give it one; a URL is worth keeping as text either way.
_HREF = re.compile(r"\\href\{([^{}]*)\}(?:\{([^{}]*)\})?")
_URL = re.compile(r"\\url\{([^{}]*)\}")
# \def\UrlFont{...} (a LaTeX preamble line pasted into an abstract) says nothing to a reader.
_DEF = re.compile(r"\\def\\[A-Za-z]+\{[^{}]*\}\s*")


def _converter() -> LatexNodes2Text:
    db = get_default_latex_context_db().filter_context(keep_categories=None)
    # Abbreviation macros of papers' own preambles: pylatexenc drops unknown macros, which
    # would turn "\ie, making" into ", making".
    db.add_context_category(
        "medseg-abbreviations",
        prepend=True,
        macros=[
            MacroTextSpec("ie", "i.e."),
            MacroTextSpec("eg", "e.g."),
            MacroTextSpec("etal", "et al."),
            MacroTextSpec("vs", "vs."),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=True)


_TO_TEXT = _converter()


def has_markup(text: str | None) -> bool:
    return bool(text) and bool(_LATEX.search(text) or _HTML_ENTITY.search(text))


def has_math(text: str | None) -> bool:
    """Whether ``text`` holds LaTeX math: its decoded form loses information (superscripts),
    so the mapping keeps the source's spelling beside it."""
    return bool(text) and bool(_MATH.search(text))


def decode_markup(text: str) -> str:
    """Unicode for LaTeX markup and HTML entities; text without markup is returned as given."""
    if not has_markup(text):
        return text
    out = html.unescape(text) if _HTML_ENTITY.search(text) else text
    if _LATEX.search(out):
        out = _HREF.sub(lambda m: m.group(2) or m.group(1), out)
        out = _URL.sub(lambda m: m.group(1), out)
        out = _DEF.sub("", out)
        out = _UNESCAPED_PERCENT.sub(r"\\%", out)
        if len(_LONE_DOLLAR.findall(out)) % 2:  # an odd one out is text: LaTeX would open math
            out = _LONE_DOLLAR.sub(r"\\$", out)
        try:
            out = _TO_TEXT.latex_to_text(out)
        except (IndexError, ValueError):  # pylatexenc gives up on unbalanced macros: keep the text
            return " ".join(text.split())
    return " ".join(out.split())
