"""The survey's own two sources, one import away: its paper list and its database.

They live in :mod:`ingest.survey_list` (the hand-edited Markdown README) and
:mod:`ingest.survey_database` (the CSV tables); this module gathers what callers
use, so the graph builder, the tracker and the scripts name one place for "the
survey" whichever half they need.
"""

from __future__ import annotations

from ingest.errors import SurveyInputError
from ingest.survey_database import BUNDLED_DATABASE, load_survey_database
from ingest.survey_list import BUNDLED_SURVEY_LIST, load_survey_list, parse_survey_list

__all__ = [
    "BUNDLED_DATABASE",
    "BUNDLED_SURVEY_LIST",
    "SurveyInputError",
    "load_survey_database",
    "load_survey_list",
    "parse_survey_list",
]
