"""The R bundle: a zip of the responses as codes, the codebook and a script that reads
them into labelled factors (r/read_confianza.R). Producing it needs no R.

responses.csv is the CSV export itself (codes, formula-like texts quoted as in every
CSV the site writes); codebook.csv is the Codebook sheet; README.txt says what is what.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .codebook import Languages, codebook_header, codebook_rows
from .plan import ColumnPlan
from .writers import write_csv

SCRIPT = Path(__file__).with_name("r") / "read_confianza.R"
README = """Confianza export for R

responses.csv     one row per response; choices as codes (see codebook.csv)
codebook.csv      every column: its question, choices, codes and labels per language
read_confianza.R  source("read_confianza.R") reads both into `responses`, with labelled
                  factors and dates; drop_non_substantive(responses) makes "don't know"
                  and "prefer not to say" NA.

A text that begins with = + - @ is stored with a leading apostrophe, so that a
spreadsheet never runs it as a formula.
"""


def write_r_bundle(
    path: Path,
    plan: ColumnPlan,
    languages: Languages,
    rows: Iterable[list],
    *,
    language: str,
    bom: bool,
) -> None:
    """Write the bundle to `path`; the script labels in `language` ("" for the survey's)."""
    language = language or languages.codes[0]
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch:
        folder = Path(scratch)
        write_csv(
            folder / "responses.csv",
            plan.headers,
            rows,
            bom=bom,
            text_columns=plan.text_columns(False),
        )
        write_csv(
            folder / "codebook.csv", codebook_header(languages), codebook_rows(plan, languages)
        )
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.write(folder / "responses.csv", "responses.csv")
            bundle.write(folder / "codebook.csv", "codebook.csv")
            bundle.writestr("read_confianza.R", SCRIPT.read_text().replace("@LANGUAGE@", language))
            bundle.writestr("README.txt", README)
