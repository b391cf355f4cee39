"""One person per author, however sources spell the name: randomized worlds of authors with
accented, hyphenated, multi-part and particle names, each written in some of the ways the
survey database (BibTeX, family first, LaTeX accents) and arXiv (given first, accents
dropped, initials) write them. Every world is checked for one person per author and a name
that is one of that author's own spellings, the accented one when a source gave it."""

from __future__ import annotations

import random
import unicodedata

import pytest

from kg.people import NameMention, People, display_name

GIVEN = [
    "Dorit", "José", "Zoë", "Jürgen", "Björn", "Łukasz", "François", "Ana María", "Jean-Marc", "Hao",
    "Søren", "Renée", "Ülkü", "Paul F.", "Ming-Hsuan", "Chloé", "Æsa", "Đorđe", "Efstratios", "Yuki",
]
FAMILY = [
    "Merhof", "Gómez", "Müller", "Åström", "Nießner", "van der Berg", "de la Cruz", "Wang", "Dvořák",
    "Kovačević", "Zhang", "Schönlieb", "Brandão", "Çelik", "Jäger", "Li", "Ng", "Pérez-García", "Lüdtke", "Øvrebø",
]
# BibTeX accents as the survey database writes them (the letters pylatexenc decodes).
LATEX = {
    "é": "\\'e", "ë": '\\"e', "ü": '\\"u', "ö": '\\"o', "ó": "\\'o", "á": "\\'a", "í": "\\'i", "ç": "\\c{c}",
    "Ç": "\\c{C}", "ř": "\\v{r}", "č": "\\v{c}", "ß": "{\\ss}", "ø": "{\\o}", "Ø": "{\\O}", "Å": "\\AA{}",
    "ã": "\\~a", "Ü": '\\"U', "ł": "{\\l}", "Ł": "{\\L}", "Æ": "{\\AE}",
}


def _latex(text: str) -> str:
    return "".join(LATEX.get(c, c) for c in text)


def _ascii(text: str) -> str:
    """Accents dropped as arXiv listings often drop them (ø, ł, đ, æ have no decomposition)."""
    text = text.translate(str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "Æ": "Ae"}))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _world(seed: int) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Six authors of six families, each written in two or more ways; spelling -> author."""
    rnd = random.Random(seed)
    authors = [(rnd.choice(GIVEN), family) for family in rnd.sample(FAMILY, 6)]
    spellings: dict[str, int] = {}
    for k, (given, family) in enumerate(authors):
        forms = [
            f"{family}, {given}",
            f"{given} {family}",
            _latex(f"{family}, {given}"),
            _ascii(f"{given} {family}"),
            f"{given}  {family}",
            f"{given[0]}. {family}",
        ]
        for form in rnd.sample(forms, rnd.randint(2, len(forms))):
            spellings[form] = k
    return authors, spellings


@pytest.mark.parametrize("seed", range(300, 420))
def test_each_author_is_one_person_with_one_of_their_names(seed: int) -> None:
    authors, spellings = _world(seed)
    rnd = random.Random(seed)
    people = People(NameMention(s, rnd.choice(["arxiv-snapshot", "result-source"])) for s in spellings)
    for k, (given, family) in enumerate(authors):
        mine = [s for s, a in spellings.items() if a == k]
        persons = {id(people.person(s)) for s in mine}
        assert len(persons) == 1, f"{given} {family}: {mine} made {len(persons)} people"
        name = people.person(mine[0]).name
        assert name in {display_name(s) for s in mine}, (name, mine)
        if any(display_name(s) == f"{given} {family}" for s in mine):
            assert name == f"{given} {family}", (name, mine)
    assert len(people.persons()) == len(authors)


def test_letters_without_a_decomposition_match_their_plain_spelling() -> None:
    people = People([NameMention("Søren Øvrebø", "a"), NameMention("Soren Ovrebo", "b"), NameMention("S. Øvrebø", "b")])
    assert people.person("Soren Ovrebo") is people.person("Søren Øvrebø") is people.person("S. Øvrebø")
    assert people.person("S. Øvrebø").name == "Søren Øvrebø"


def test_an_initial_fits_a_hyphenated_or_second_given_name_but_a_full_name_does_not() -> None:
    people = People(
        [
            NameMention("Jean-Marc Müller", "a"),
            NameMention("J. Müller", "b"),
            NameMention("Ü. Lüdtke", "b"),
            NameMention("Ülkü Lüdtke", "a"),
            NameMention("Jun Ming Ma", "a"),
            NameMention("Jun Ma", "b"),
        ]
    )
    assert people.person("J. Müller") is people.person("Jean-Marc Müller")
    assert people.person("Ü. Lüdtke") is people.person("Ülkü Lüdtke")
    assert people.person("Jun Ma") is not people.person("Jun Ming Ma")
