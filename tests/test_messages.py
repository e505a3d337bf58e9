"""Every message a clerk reads is German and says what to do (issue 18).

A sidecar ``NAME.pdf.toml`` with an unknown key quarantined the motion with pydantic's English
"Extra inputs are not permitted … errors.pydantic.dev".
"""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.inbox import moves
from pipeline.inbox.runner import run_inbox_pass
from pipeline.messages import describe_validation_errors, list_fields
from pipeline.receipt import Sidecar, read_sidecar
from schemas.errors import UsageProblem
from tests.fixtures.inbox import assert_conservation, make_settings, motion_bytes, new_drops

ENGLISH = re.compile(r"pydantic|Input should|Extra inputs|not permitted|Field required|Expected|Invalid value|"
                     r"at line|line \d|For further information", re.IGNORECASE)


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int
    name: str | None = None


def problems_of(model: type[BaseModel], data: dict, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return describe_validation_errors(caught.value, **kwargs)


def test_each_kind_of_field_problem_gets_one_german_sentence():
    problems = problems_of(Example, {"name": 3, "extra": True}, allowed=list_fields(Example))
    assert problems == [
        "Der Eintrag „count“ fehlt.",
        "„name“ muss ein Text in Anführungszeichen sein, angegeben ist 3.",
        "Der Eintrag „extra“ ist unbekannt. Erlaubt sind: count, name.",
    ]


def test_labels_name_fields_as_the_clerk_knows_them():
    [problem] = problems_of(Example, {"count": "viele"}, labels={"count": "INTMK_WORKERS"})
    assert problem == "„INTMK_WORKERS“ muss eine ganze Zahl sein, angegeben ist „viele“."


def test_a_bad_setting_names_its_variable_and_its_bound():
    from pipeline.cli import describe_settings_error
    from pipeline.settings import Settings

    with pytest.raises(ValidationError) as caught:
        Settings(settle_seconds=-1)
    assert describe_settings_error(caught.value, Settings) == (
        "„INTMK_SETTLE_SECONDS“ muss mindestens 0 sein, angegeben ist -1.")


@pytest.mark.parametrize("text, expected", [
    ('lnad = "RP"\n', "Der Eintrag „lnad“ ist unbekannt. Erlaubt sind: received, land, sender, conference."),
    ("sender = 3\n", "„sender“ muss ein Text in Anführungszeichen sein, angegeben ist 3."),
    ('received = "08.04.2027 16:30"\n',
     "„received“ ist kein gültiger Zeitpunkt („08.04.2027 16:30“); bitte so angeben: received = 2027-04-08T16:30:00+02:00."),
    ('land = "XY"\n', "„land“ hat den Wert „XY“; erlaubt sind: BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH."),
    ('land "RP"\n', "Die Schreibweise stimmt in Zeile 1, Spalte 6 nicht."),
    (b"land = \"R\xfc\"\n", "nicht als UTF-8 gespeichert"),
])
def test_a_faulty_sidecar_is_described_in_german_with_what_to_do(tmp_path, text, expected):
    sidecar = tmp_path / "antrag.pdf.toml"
    sidecar.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(UsageProblem) as caught:
        read_sidecar(tmp_path / "antrag.pdf")
    message = caught.value.message
    assert message.startswith("Die Begleitdatei antrag.pdf.toml ist fehlerhaft: ")
    assert expected in message
    assert message.endswith("Bitte korrigieren und Dokument und Begleitdatei erneut in den Eingang legen.")
    assert not ENGLISH.search(message), message


def test_sidecar_fields_listed_are_the_models():
    assert list_fields(Sidecar) == ["received", "land", "sender", "conference"]


@pytest.mark.parametrize("sidecar, expected", [
    ('lnad = "RP"\n', "Der Eintrag „lnad“ ist unbekannt."),
    ('conference = "dreiundzwanzigste"\n', "nennt die Konferenz „dreiundzwanzigste“"),
])
def test_the_quarantine_reason_of_a_faulty_sidecar_is_german(tmp_path, sidecar, expected):
    """A conference name that cannot be read kept the file in processing/ for ever (UsageProblem in the store)."""
    settings = make_settings(tmp_path / "home")
    drops = new_drops(settings)
    drops.drop("antrag.pdf", motion_bytes(tmp_path, 901))
    (drops.folders.inbox / "antrag.pdf.toml").write_text(sidecar, encoding="utf-8")
    [outcome] = run_inbox_pass(settings).outcomes
    assert (outcome.outcome, outcome.reason_code) == ("quarantined", "invalid_data")
    assert expected in outcome.reason and not ENGLISH.search(outcome.reason), outcome.reason
    note = next(drops.folders.quarantine.rglob(moves.REASON_FILE)).read_text(encoding="utf-8")
    assert expected in note and not ENGLISH.search(note)
    assert assert_conservation(settings, drops) == {"quarantined": 1}
