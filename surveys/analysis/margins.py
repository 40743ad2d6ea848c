"""Raking margins: known population totals per answer code of some questions.

Given as `{"QUESTION_KEY": {"CODE": population, ...}, ...}`, in a JSON file for the
`analyze` command or in the survey's settings. Checked against the survey: each key must
be a single-choice or scale question and each code one of its codes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1_000_000


class MarginsError(ValueError):
    """Margins that cannot be used, with a message saying why."""


def check_margins(data: Any, survey) -> dict[str, dict[str, float]]:
    """Validated margins for `survey` (a SurveyPage), or MarginsError."""
    from ..questionnaire import build_questionnaire  # analysis is imported by models

    if not isinstance(data, dict) or not data:
        raise MarginsError('Margins must be a JSON object like {"age_group": {"18_24": 1200}}.')
    questionnaire = build_questionnaire(survey.responses_survey)
    result: dict[str, dict[str, float]] = {}
    for key, populations in data.items():
        question = questionnaire.question(key)
        if question is None:
            raise MarginsError(f"'{key}' is not a question of this survey.")
        if question.type not in ("single_choice", "likert", "rating"):
            raise MarginsError(f"'{key}' is not a single-choice question; it cannot be a margin.")
        if not isinstance(populations, dict) or not populations:
            raise MarginsError(f"The margin of '{key}' must map codes to populations.")
        codes = {choice.code for choice in question.choices}
        result[key] = {}
        for code, population in populations.items():
            if code not in codes:
                raise MarginsError(
                    f"'{code}' is not a code of '{key}' ({', '.join(sorted(codes))})."
                )
            if (
                isinstance(population, bool)
                or not isinstance(population, int | float)
                or not math.isfinite(population)
                or population <= 0
            ):
                raise MarginsError(
                    f"The population of '{key}' = '{code}' must be a positive number."
                )
            result[key][code] = float(population)
    return result


def read_margins(path: Path, survey) -> dict[str, dict[str, float]]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise MarginsError(f"{path} is larger than {MAX_FILE_BYTES // 1000} KB.")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise MarginsError(f"{path} does not exist.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MarginsError(f"{path} is not valid JSON: {error}") from error
    return check_margins(data, survey)
