"""The meeting rules that decide what the meeting documents say, without LibreOffice or a database.

Agenda (Regularien 4.3, 7), resolutions (4.3, 5.1, 5.3, 7), the content of the seven documents as
DocumentSpecs (4.1, 4.2, 5.3, 7, 9.2), stable file names, the consistency of the clerk's inputs
with the agenda, and the German wording. The meeting is the 23rd IntMK of ``tests.fixtures.meeting``:
TOP 3 on the Grüne Liste, TOP 4 taken off by Bayern, TOP 5 rejected, TOP 6 late and pending in the
Bundesrat; Hamburg is absent from every vote of the Hauptkonferenz.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.meeting.agenda import Agenda, Motion, build_agenda
from pipeline.meeting.compose_agenda import compose_agenda, compose_invitation, compose_meeting_pack
from pipeline.meeting.compose_minutes import (
    compose_green_version,
    compose_internal_minutes,
    compose_pre_conference_minutes,
    compose_public_minutes,
)
from pipeline.meeting.compose import COMPOSERS
from pipeline.meeting.consistency import check_green_list_votes, check_item_tops, check_vote_tops
from pipeline.meeting.meeting import Meeting, assemble_meeting
from pipeline.meeting.resolutions import Resolution, decide_session
from pipeline.meeting.wording import format_days, name_laender
from pipeline.rules.calendar import compute_deadlines
from pipeline.rules.profiles import load_profile
from schemas.documents import MEETING_KINDS, Block, DocumentKind, DocumentSpec
from schemas.meeting import Annex, MeetingInputs, MeetingStatement, RecordedVote, VoteSubject
from schemas.records import LAENDER, VoteCounts
from schemas.rules import ConferenceEntry
from tests.fixtures.meeting import CONFERENCE, build_inputs, build_motions, vote
from tests.fixtures.sample import load_sample

PROFILE = load_profile("IntMK")
TITLES = {  # the fixture's motions in TOP order
    "3": "Migrationsberatung in ländlichen Regionen",
    "4": "Öffnung der Migrationsberatung für Asylsuchende und Geduldete",
    "5": "Ausbau der Migrationsberatung",
    "6": "Ausbau und Öffnung der Migrationsberatung",
}


# --------------------------------------------------------------------------- helpers


def make_meeting(folder: Path, *, motions: Sequence[Motion] | None = None, votes: Sequence[RecordedVote] | None = None,
                 **changes) -> Meeting:
    """The fixture meeting, with other motions, votes or input lists where a test needs them."""
    inputs = build_inputs(folder)
    if votes is not None:
        changes["votes"] = list(votes)
    inputs = inputs.model_copy(update=changes)
    return assemble_meeting(CONFERENCE, PROFILE, "RP", compute_deadlines(CONFERENCE, PROFILE),
                            list(motions) if motions is not None else build_motions(), inputs,
                            letterhead=["Geschäftsstelle der IntMK"])


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Meeting:
    return make_meeting(tmp_path_factory.mktemp("meeting"))


def block_text(block: Block) -> str:
    return "\n".join([block.text, *block.items, *(cell for row in block.rows for cell in row)])


def spec_text(spec: DocumentSpec) -> str:
    """Every word of a document: block texts, bullet items and table cells."""
    return "\n".join(block_text(block) for block in spec.blocks)


def sections(spec: DocumentSpec) -> dict[str, str]:
    """The text under each 'TOP n: …' heading (level 2), up to the next level-1 or level-2 heading."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for block in spec.blocks:
        if block.kind == "heading" and block.level <= 2:
            current = None
            if block.level == 2 and block.text.startswith("TOP "):
                current = found.setdefault(block.text.split(":")[0].removeprefix("TOP "), [])
                continue
        if current is not None:
            current.append(block_text(block))
    return {top: "\n".join(texts) for top, texts in found.items()}


def by_top(resolutions: Sequence[Resolution]) -> dict[str, Resolution]:
    return {resolution.top: resolution for resolution in resolutions}


def split_votes(yes: int, no: int = 0, abstain: int = 0) -> RecordedVote:
    """A Hauptkonferenz vote on TOP 3 with the given counts; the other Länder are absent."""
    codes = list(LAENDER)
    assert yes + no + abstain <= len(codes)
    no_codes = codes[yes:yes + no]
    abstain_codes = codes[yes + no:yes + no + abstain]
    absent = codes[yes + no + abstain:]
    return vote(1, "hauptkonferenz", "3", no=no_codes, abstain=abstain_codes, absent=absent)


def decide(motions: Sequence[Motion], votes: Sequence[RecordedVote], **inputs) -> tuple[Agenda, dict[str, Resolution]]:
    agenda = build_agenda(motions, votes, PROFILE)
    return agenda, by_top(decide_session(agenda, MeetingInputs(votes=list(votes), **inputs), PROFILE, "hauptkonferenz"))


def relabel(motion: Motion, **record_changes) -> Motion:
    return dataclasses.replace(motion, record=motion.record.model_copy(update=record_changes))


# --------------------------------------------------------------------------- agenda (Regularien 4.3, 7)


def test_agenda_has_approval_green_list_one_top_per_motion_and_review_last(meeting: Meeting) -> None:
    entries = [(entry.top, entry.kind, entry.title) for entry in meeting.agenda.entries]
    assert entries == [
        ("1", "approval", "Genehmigung der Tagesordnung"),
        ("2", "green_list", "Grüne Liste (Sammelbeschluss)"),
        *((top, "motion", title) for top, title in TITLES.items()),
        ("7", "review", "Erfolgskontrolle"),
    ]


def test_leitantrag_comes_first_then_motions_by_receipt() -> None:
    first, second, third, fourth = build_motions()
    leitantrag = relabel(fourth, label="Leitantrag")  # received last
    agenda = build_agenda([second, leitantrag, third, first], [], PROFILE)
    names = [entry.motion.name for entry in agenda.motions]
    assert names == ["antrag-4.pdf", "antrag-1.pdf", "antrag-2.pdf", "antrag-3.pdf"]
    assert [entry.top for entry in agenda.motions] == ["3", "4", "5", "6"]


def test_receipt_order_does_not_depend_on_the_input_order() -> None:
    motions = build_motions()
    forward = build_agenda(motions, [], PROFILE)
    backward = build_agenda(list(reversed(motions)), [], PROFILE)
    assert [e.motion.sha256 for e in forward.motions] == [e.motion.sha256 for e in backward.motions]
    assert [e.title for e in forward.motions] == list(TITLES.values())


def test_only_beschlussvorschlaege_go_on_the_agenda() -> None:
    motions = build_motions()
    filed_resolution = relabel(motions[1], document_type="beschluss")
    agenda = build_agenda([motions[0], filed_resolution, *motions[2:]], [], PROFILE)
    assert [entry.motion.name for entry in agenda.motions] == ["antrag-1.pdf", "antrag-3.pdf", "antrag-4.pdf"]
    assert [entry.top for entry in agenda.entries] == ["1", "2", "3", "4", "5", "6"]
    assert agenda.entries[-1].kind == "review"


def test_top_numbers_are_the_same_with_and_without_pre_conference_votes(meeting: Meeting) -> None:
    without = build_agenda(build_motions(), [], PROFILE)
    assert without.green_list is None
    def outline(agenda: Agenda) -> list[tuple[str, str, str]]:
        return [(entry.top, entry.kind, entry.title) for entry in agenda.entries]

    assert outline(without) == outline(meeting.agenda)
    assert meeting.agenda.green_list is not None


def test_without_pre_conference_votes_there_is_no_green_list() -> None:
    main_only = [vote(1, "hauptkonferenz", "3"), vote(2, "hauptkonferenz", "4")]
    agenda = build_agenda(build_motions(), main_only, PROFILE)
    assert agenda.green_list is None
    assert not any(entry.on_green_list for entry in agenda.motions)
    assert agenda.find("2").green_items == []


@pytest.mark.parametrize(
    ("pre_conference", "expected"),
    [
        pytest.param({"3": {}, "4": {}, "5": {}, "6": {}}, ["3", "4", "5", "6"], id="all-unanimous"),
        pytest.param({"3": {}, "4": {"abstain": ["BW", "TH"]}}, ["3", "4"], id="abstentions-allowed"),
        pytest.param({"3": {}, "5": {"no": ["HB"]}, "6": {}}, ["3", "6"], id="one-no-keeps-it-off"),
        pytest.param({"6": {}, "5": {"absent": ["HH"]}, "3": {}}, ["3", "5", "6"], id="listed-in-top-order"),
        # Regularien 7 with 5.1: 10 of 16 cast is no recommendation (abstentions act as no)
        pytest.param({"3": {"abstain": ["BW", "BY", "BE", "BB", "HB", "HH"]}, "4": {}}, ["4"], id="not-recommended"),
        # Regularien 5.1 applies to the Vorkonferenz too: 12 Länder are not quorate
        pytest.param({"3": {"absent": ["BW", "BY", "BE", "BB"]}, "4": {}}, ["4"], id="not-quorate"),
    ],
)
def test_green_list_holds_the_motions_recommended_without_a_no_vote(pre_conference: dict, expected: list[str]) -> None:
    votes = [vote(line, "vorkonferenz", top, **kw) for line, (top, kw) in enumerate(pre_conference.items(), start=2)]
    agenda = build_agenda(build_motions(), votes, PROFILE)
    assert agenda.green_list is not None
    assert agenda.green_list.items == expected
    assert agenda.find("2").green_items == expected
    assert [entry.top for entry in agenda.motions if entry.on_green_list] == expected


def test_a_land_takes_a_motion_off_the_green_list(meeting: Meeting) -> None:
    assert meeting.agenda.green_list.items == ["3"]
    assert meeting.agenda.green_list.removed == {"4": "BY"}
    taken_off = meeting.agenda.find("4")
    assert taken_off.on_green_list is False
    assert taken_off.taken_off_by == "BY"
    assert meeting.agenda.find("3").taken_off_by is None
    assert meeting.agenda.find("2").green_items == ["3"]


# --------------------------------------------------------------------------- resolutions (Regularien 4.3, 5.1, 5.3, 7)


def test_a_motion_on_the_green_list_takes_the_en_bloc_vote_of_top_2(meeting: Meeting) -> None:
    main = by_top(meeting.main)
    assert main["3"].en_bloc is True
    assert main["3"].vote.top == "2"
    assert main["3"].outcome_word == "einstimmig"
    assert main["3"].accepted


def test_a_taken_off_motion_takes_its_own_vote(meeting: Meeting) -> None:
    resolution = by_top(meeting.main)["4"]
    assert resolution.en_bloc is False
    assert resolution.vote.top == "4"
    assert (resolution.result.yes, resolution.result.no, resolution.result.abstain) == (13, 1, 1)
    assert resolution.outcome_word == "mehrheitlich"


def test_the_pre_conference_votes_each_motion_on_its_own_top(meeting: Meeting) -> None:
    preparatory = by_top(meeting.preparatory)
    assert [(r.top, r.en_bloc, r.vote.top if r.vote else None) for r in meeting.preparatory] == [
        ("3", False, "3"), ("4", False, "4"), ("5", False, "5"), ("6", False, None)]
    assert preparatory["5"].outcome_word == "mehrheitlich"
    assert preparatory["6"].outcome_word == "ohne Abstimmung"


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "outcome", "accepted"),
    [
        (16, 0, 0, "einstimmig", True),
        (13, 0, 0, "einstimmig", True),
        (15, 1, 0, "mehrheitlich", True),
        (10, 5, 0, "mehrheitlich", True),  # exactly 2/3 of 15 cast
        (10, 0, 5, "mehrheitlich", True),  # the abstentions count as cast
        (10, 3, 2, "mehrheitlich", True),
        (9, 6, 0, "abgelehnt", False),
        (9, 0, 6, "abgelehnt", False),  # abstention counts as no: not 9 of 9
        (11, 0, 5, "mehrheitlich", True),  # 11 of 16 (Regularien 5.1: 16 → 11)
        (10, 0, 6, "abgelehnt", False),
        (12, 0, 0, "nicht beschlussfähig", False),  # 12 represented, 13 needed
        (8, 2, 2, "nicht beschlussfähig", False),
    ],
)
def test_outcome_of_a_vote(yes: int, no: int, abstain: int, outcome: str, accepted: bool) -> None:
    _, resolutions = decide(build_motions()[:1], [split_votes(yes, no, abstain)])
    resolution = resolutions["3"]
    assert resolution.result.outcome == outcome
    assert resolution.outcome_word == outcome
    assert resolution.accepted is accepted


def test_a_late_motion_without_an_admission_vote_gets_a_note() -> None:
    motions = build_motions()
    _, resolutions = decide(motions, [vote(9, "hauptkonferenz", "6")])
    late = resolutions["6"]
    assert late.admitted is None
    assert late.accepted is False  # Regularien 4.3: decided only once admitted; never published before
    assert late.outcome_word == "Aufnahme in die Tagesordnung nicht erfasst"
    assert any("keine Abstimmung über die Aufnahme" in note for note in late.notes)
    assert not any("keine Abstimmung über die Aufnahme" in note for note in resolutions["5"].notes)


@pytest.mark.parametrize(
    ("no", "abstain", "absent", "admitted"),
    [
        ((), (), ("HH",), True),  # 15 of 15
        (("HB", "BW", "NW", "NI", "HE"), (), ("HH",), True),  # 10 of 15 = exactly 2/3
        (("HB", "BW", "NW", "NI", "HE", "SH"), (), ("HH",), False),  # 9 of 15
        (("HB", "BW", "NW", "NI", "HE"), ("SH",), (), False),  # 10 of 16: an abstention is no yes
    ],
)
def test_admission_of_a_late_motion_needs_two_thirds_of_the_participants(no, abstain, absent, admitted: bool) -> None:
    votes = [
        vote(8, "hauptkonferenz", "6", subject=VoteSubject.ADMISSION, no=no, abstain=abstain, absent=absent),
        vote(9, "hauptkonferenz", "6", absent=["HH"]),
    ]
    _, resolutions = decide(build_motions(), votes)
    late = resolutions["6"]
    assert late.admitted is admitted
    assert late.accepted is admitted
    expected = "einstimmig" if admitted else "nicht in die Tagesordnung aufgenommen"  # the decision is 15 : 0 : 0
    assert late.outcome_word == expected
    verdict = "Verfristeter Antrag aufgenommen" if admitted else "Verfristeter Antrag nicht aufgenommen"
    assert any(note.startswith(verdict) for note in late.notes)


def test_a_late_motion_refused_admission_and_never_voted_on_is_named_so() -> None:
    # Regularien 4.3: a late motion not taken onto the agenda is not voted on; the minutes must say why
    refused = vote(8, "hauptkonferenz", "6", subject=VoteSubject.ADMISSION,
                   no=["HB", "BW", "NW", "NI", "HE", "SH"], absent=["HH"])
    _, resolutions = decide(build_motions(), [refused])
    late = resolutions["6"]
    assert late.admitted is False
    assert late.accepted is False
    assert late.outcome_word == "nicht in die Tagesordnung aufgenommen"


def test_a_motion_pending_in_the_bundesrat_gets_a_note(meeting: Meeting) -> None:
    main = by_top(meeting.main)
    pending = [note for note in main["6"].notes if note.startswith("Im Bundesrat anhängig")]
    assert len(pending) == 1
    assert "Drucksache 450/26" in pending[0] and "erreicht" in pending[0]
    assert main["6"].blocked_by_bundesrat is False
    assert all(not note.startswith("Im Bundesrat") for top in ("3", "4", "5") for note in main[top].notes)


@pytest.mark.parametrize(
    ("publication_vote", "published"),
    [({"yes": 15, "no": 0, "abstain": 0}, True),
     ({"yes": 11, "no": 3, "abstain": 2}, True),
     ({"yes": 5, "no": 8, "abstain": 2}, False),
     ({"yes": 10, "no": 0, "abstain": 6}, False),
     (None, False)],
    ids=["15:0:0", "11:3:2", "5:8:2", "10:0:6", "no-vote"],
)
def test_an_annex_is_published_only_where_a_majority_decided_so(publication_vote, published: bool) -> None:
    counts = VoteCounts(**publication_vote) if publication_vote else None
    annex = Annex(line=2, top="3", title="Bericht der AG", publication_vote=counts)
    _, resolutions = decide(build_motions()[:1], [split_votes(15)], annexes=[annex])
    [decision] = resolutions["3"].annexes
    assert decision.published is published
    assert (decision.result is None) is (publication_vote is None)


# --------------------------------------------------------------------------- documents


def test_public_minutes_introduce_each_resolution_taken(meeting: Meeting) -> None:
    spec = compose_public_minutes(meeting)
    found = sections(spec)
    assert list(found) == ["3", "4", "6"]  # TOP 5 was rejected
    assert "Die IntMK hat einstimmig beschlossen:" in found["3"]
    assert "Die IntMK hat mehrheitlich beschlossen:" in found["4"]
    assert "Die IntMK hat mehrheitlich beschlossen:" in found["6"]
    assert TITLES["5"] not in spec_text(spec)
    assert spec.public and spec.marking is None


def test_public_minutes_leave_out_a_late_motion_not_admitted(tmp_path: Path) -> None:
    votes = [v for v in build_inputs(tmp_path).votes if not (v.top == "6" and v.subject is VoteSubject.ADMISSION)]
    votes.append(vote(8, "hauptkonferenz", "6", subject=VoteSubject.ADMISSION, no=["HB", "BW", "NW", "NI", "HE", "SH"],
                      absent=["HH"]))
    spec = compose_public_minutes(make_meeting(tmp_path, votes=votes))
    assert list(sections(spec)) == ["3", "4"]
    assert TITLES["6"] not in spec_text(spec)


def test_public_minutes_hold_nothing_internal(meeting: Meeting) -> None:
    spec = compose_public_minutes(meeting)
    text = spec_text(spec)
    reasoning_paragraph = load_sample().paragraphs[4]
    for internal in ("Begründung", reasoning_paragraph[:60], "Teilnehmerliste", "Dr. Anna Beispiel", "Paul Gastgeber",
                     "Bei Abwesenheit", "Abstimmungsergebnis", "Bremen", "Thüringen", "Hamburg",
                     "Sachsen bittet um Prüfung der Kosten.", "Kostenschätzung", "Erfolgskontrolle",
                     "Antwort des Bundes liegt vor."):
        assert internal not in text, internal
    assert not [block for block in spec.blocks if block.kind == "table"]


def test_public_minutes_carry_only_published_statements_and_annexes(meeting: Meeting) -> None:
    spec = compose_public_minutes(meeting)
    found = sections(spec)
    assert "VEROEFFENTLICHTE-ERKLAERUNG-BAYERN" in found["4"]
    assert "Anlage: Bericht der Arbeitsgruppe Migrationsberatung" in found["3"]
    assert [Path(a.path).name for a in spec.attachments] == ["bericht-ag.pdf"]


def test_green_version_names_the_absent_land_only_where_one_was_absent(tmp_path: Path) -> None:
    votes = [v for v in build_inputs(tmp_path).votes if not (v.session == "hauptkonferenz" and v.top == "4")]
    votes.append(vote(6, "hauptkonferenz", "4", no=["HB"], abstain=["TH"], taken_off_by="BY"))  # all 16 voted
    found = sections(compose_green_version(make_meeting(tmp_path, votes=votes)))
    assert list(found) == ["3", "4", "5", "6"]
    for top in ("3", "5", "6"):
        assert "Bei Abwesenheit von Hamburg" in found[top], top
    assert "Bei Abwesenheit" not in found["4"]
    assert "Nein (1)\nBremen" in found["4"] and "Enthaltung (1)\nThüringen" in found["4"]
    assert "Abstimmungsergebnis: 14 : 1 : 1" in found["4"]
    assert "Hamburg" in found["4"]  # the Ja row of all 16, not an absence


def test_green_version_lists_the_votes_per_land(meeting: Meeting) -> None:
    spec = compose_green_version(meeting)
    found = sections(spec)
    assert "en bloc mit der Grünen Liste" in found["3"]
    assert "en bloc" not in found["4"]
    no_row = "Nein (6)\nBaden-Württemberg, Bremen, Hessen, Niedersachsen, Nordrhein-Westfalen und Schleswig-Holstein"
    assert no_row in found["5"]
    assert len([block for block in spec.blocks if block.kind == "table"]) == 4


def test_internal_minutes_include_the_rejected_resolution(meeting: Meeting) -> None:
    spec = compose_internal_minutes(meeting)
    found = sections(spec)
    assert "Ergebnis: abgelehnt" in found["5"]
    assert "Ergebnis: einstimmig" in found["3"] and "Ergebnis: mehrheitlich" in found["4"]
    assert "Begründung zum Ausbau." in found["5"]
    assert "Sachsen bittet um Prüfung der Kosten." in found["4"]
    text = spec_text(spec)
    assert "Dr. Anna Beispiel" in text and "Paul Gastgeber" in text
    assert "(Vorkonferenz)" not in text  # only the participants of the Hauptkonferenz


def test_agenda_marks_the_late_and_the_bundesrat_pending_motion(meeting: Meeting) -> None:
    found = sections(compose_agenda(meeting))
    assert "Verfristeter Antrag" in found["6"]
    assert "Im Bundesrat anhängig (Drucksache 450/26)" in found["6"]
    assert "Erörterung möglich" in found["6"]
    for top in ("3", "4", "5"):
        assert "Verfristeter Antrag" not in found[top] and "Bundesrat" not in found[top]
    assert "verfristeten Anträge (TOP 6)" in found["1"]


def test_agenda_lists_the_green_list_items_under_top_2(meeting: Meeting) -> None:
    spec = compose_agenda(meeting)
    found = sections(spec)
    top2 = next(i for i, b in enumerate(spec.blocks) if b.kind == "heading" and b.text.startswith("TOP 2:"))
    bullets = next(b for b in spec.blocks[top2:] if b.kind == "bullets")
    assert bullets.items == [f"TOP 3: {TITLES['3']}"]
    assert "TOP 4 auf Antrag von Bayern von der Grünen Liste genommen" in found["2"]
    assert "Auf der Grünen Liste (TOP 2)" in found["3"]
    assert "Auf der Grünen Liste" not in found["4"]


def test_invitation_has_the_provisional_agenda_and_the_motion_deadline(meeting: Meeting) -> None:
    deadline = meeting.find_deadline("motions")
    # Regularien 4.3: three weeks before the Vorkonferenz (29.04.2027), pipeline/rules/calendar.py
    assert deadline.due.date() == CONFERENCE.pre_conference - dt.timedelta(weeks=3) == dt.date(2027, 4, 8)
    spec = compose_invitation(meeting)
    text = spec_text(spec)
    assert any(b.kind == "heading" and b.text == "Vorläufige Tagesordnung" for b in spec.blocks)
    assert "Beschlussvorschläge an die Geschäftsstelle bis 8. April 2027 (Regularien 4.3)" in text
    assert "10. und 11. Juni 2027 in Mainz" in text
    assert [h for h in sections(spec)] == ["1", "2", "3", "4", "5", "6", "7"]


def test_meeting_pack_has_one_bookmarked_heading_per_motion(meeting: Meeting) -> None:
    spec = compose_meeting_pack(meeting)
    bookmarked = [(b.text, b.bookmark) for b in spec.blocks if b.bookmark]
    expected = [f"Beschlussvorlage zu TOP {top}: {title}" for top, title in TITLES.items()]
    assert bookmarked == [(text, text) for text in expected]
    assert spec.attachments == []


def test_meeting_pack_attaches_each_distinct_original_once(tmp_path: Path) -> None:
    motions = build_motions()
    meeting = make_meeting(tmp_path, motions=motions)
    shared = tmp_path / "sammelantrag.pdf"  # two motions cut from one submitted PDF
    meeting.originals = {motions[0].sha256: tmp_path / "antrag-1.pdf", motions[1].sha256: tmp_path / "antrag-2.pdf",
                         motions[2].sha256: shared, motions[3].sha256: shared}
    spec = compose_meeting_pack(meeting, originals=True)
    assert [(a.path.name, a.bookmark) for a in spec.attachments] == [
        ("antrag-1.pdf", "Original zu TOP 3"),
        ("antrag-2.pdf", "Original zu TOP 4"),
        ("sammelantrag.pdf", "Original zu TOP 5"),
    ]
    assert compose_meeting_pack(meeting, originals=False).attachments == []


def test_pre_conference_minutes_are_marked_and_list_its_participants_only(meeting: Meeting) -> None:
    spec = compose_pre_conference_minutes(meeting)
    assert spec.marking.startswith("Nicht zur Veröffentlichung bestimmt")
    assert any(b.kind == "marking" and "Nicht zur Veröffentlichung bestimmt" in b.text for b in spec.blocks)
    assert not spec.public
    [participants] = [b for b in spec.blocks if b.kind == "table" and b.rows[0][0] == "Land / Gast"]
    assert participants.rows[1:] == [["Rheinland-Pfalz", "Dr. Anna Beispiel (Vorkonferenz)", ""]]
    text = spec_text(spec)
    assert "Paul Gastgeber" not in text
    found = sections(spec)
    assert list(found) == ["3", "4", "5"]  # TOP 6 had no Vorkonferenz vote
    assert "Empfehlung für die Grüne Liste" in found["4"]  # recommended, taken off only later
    assert "Einzelberatung in der Konferenz" in found["5"]


# --------------------------------------------------------------------------- file names


def test_every_kind_has_a_composer() -> None:
    assert set(COMPOSERS) == set(MEETING_KINDS)


@pytest.mark.parametrize("kind", MEETING_KINDS, ids=lambda kind: kind.value)
def test_file_stem_comes_from_ids_never_from_extracted_titles(tmp_path: Path, kind: DocumentKind) -> None:
    hostile = [relabel(motion, title="../../etc/passwd") for motion in build_motions()]
    meeting = make_meeting(tmp_path, motions=hostile)
    assert meeting.agenda.find("3").title == "../../etc/passwd"
    assert meeting.file_stem(kind) == f"IntMK-23-{kind.value}"
    assert COMPOSERS[kind](meeting).file_stem == f"IntMK-23-{kind.value}"


# --------------------------------------------------------------------------- consistency


def test_the_fixture_inputs_are_consistent(meeting: Meeting) -> None:
    assert check_vote_tops(meeting.inputs.votes, meeting.agenda, "abstimmungen.csv") == []
    items = [*meeting.inputs.statements, *meeting.inputs.annexes]
    assert check_item_tops(items, meeting.agenda, "erklaerungen.yaml") == []


@pytest.mark.parametrize(
    ("recorded", "words"),
    [
        (vote(12, "hauptkonferenz", "9"), ["abstimmungen.csv, Zeile 12", "TOP 9 steht nicht auf der Tagesordnung",
                                          "TOP 1 bis 7"]),
        (vote(13, "vorkonferenz", "2"), ["abstimmungen.csv, Zeile 13", "Grüne Liste", "Regularien 7"]),
        (vote(14, "hauptkonferenz", "2", subject=VoteSubject.ADMISSION), ["Zeile 14", "Grüne Liste"]),
        (vote(15, "hauptkonferenz", "3", subject=VoteSubject.ADMISSION), ["Zeile 15", "TOP 3 ist nicht verfristet",
                                                                          "Regularien 4.3"]),
        (vote(16, "hauptkonferenz", "1"), ["Zeile 16", "kein Beschlussvorschlag"]),
        (vote(17, "vorkonferenz", "7"), ["Zeile 17", "Erfolgskontrolle", "kein Beschlussvorschlag"]),
    ],
    ids=["unknown-top", "pre-conference-on-green-list", "admission-on-green-list", "admission-not-late",
         "approval", "review"],
)
def test_check_vote_tops_refuses(meeting: Meeting, recorded: RecordedVote, words: list[str]) -> None:
    [problem] = check_vote_tops([recorded], meeting.agenda, "abstimmungen.csv")
    for word in words:
        assert word in problem


def test_check_vote_tops_accepts_admission_of_a_late_motion_and_the_en_bloc_vote(meeting: Meeting) -> None:
    votes = [vote(2, "hauptkonferenz", "6", subject=VoteSubject.ADMISSION), vote(3, "hauptkonferenz", "2")]
    assert check_vote_tops(votes, meeting.agenda, "abstimmungen.csv") == []


@pytest.mark.parametrize(("top", "refused"), [("1", True), ("2", True), ("4", False), ("7", True), ("8", True)])
def test_check_item_tops_accepts_only_motion_tops(meeting: Meeting, top: str, refused: bool) -> None:
    statement = MeetingStatement(line=5, top=top, by=["BY"], text="Erklärung")
    problems = check_item_tops([statement], meeting.agenda, "erklaerungen.yaml")
    assert bool(problems) is refused
    if refused:
        assert problems[0].startswith(f"erklaerungen.yaml, Zeile 5: TOP {top} ist kein Beschlussvorschlag")
        assert "Beschlussvorschläge: TOP 3, 4, 5, 6" in problems[0]


# --------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2027, 6, 10), dt.date(2027, 6, 11), "10. und 11. Juni 2027"),
        (dt.date(2027, 6, 10), dt.date(2027, 6, 12), "10. bis 12. Juni 2027"),
        (dt.date(2027, 6, 30), dt.date(2027, 7, 1), "30. Juni bis 1. Juli 2027"),
        (dt.date(2027, 6, 29), dt.date(2027, 7, 2), "29. Juni bis 2. Juli 2027"),
        (dt.date(2027, 12, 31), dt.date(2028, 1, 1), "31. Dezember bis 1. Januar 2028"),
        (dt.date(2018, 6, 14), None, "14. Juni 2018"),
        (dt.date(2018, 6, 14), dt.date(2018, 6, 14), "14. Juni 2018"),
        (dt.date(2027, 3, 1), None, "1. März 2027"),
    ],
)
def test_format_days(start: dt.date, end: dt.date | None, expected: str) -> None:
    assert format_days(ConferenceEntry(body="IntMK", number=23, start=start, end=end)) == expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([], ""),
        (["HH"], "Hamburg"),
        (["HB", "BY"], "Bayern und Bremen"),
        (["TH", "BE", "BY"], "Bayern, Berlin und Thüringen"),
        (["SH", "ST", "SN", "SL"], "Saarland, Sachsen, Sachsen-Anhalt und Schleswig-Holstein"),
        (["HH", "HH"], "Hamburg"),
    ],
)
def test_name_laender_in_the_order_of_the_laender_list(codes: list[str], expected: str) -> None:
    assert name_laender(codes) == expected


def test_name_laender_all_sixteen() -> None:
    text = name_laender(reversed(list(LAENDER)))
    assert text.startswith("Baden-Württemberg, Bayern, ") and text.endswith(", Schleswig-Holstein und Thüringen")
    assert text.count(" und ") == 1 and text.count(", ") == 14


def test_green_list_votes_are_checked_against_the_pre_conference(meeting: Meeting) -> None:
    """Regularien 7: only a recommended TOP can be taken off; an en-bloc vote needs Vorkonferenz votes."""
    profile = meeting.profile
    taken_off_unvoted = vote(4, "hauptkonferenz", "6", taken_off_by="BY")
    taken_off_opposed = [vote(2, "vorkonferenz", "5", no=["HB"]), vote(5, "hauptkonferenz", "5", taken_off_by="NW")]
    en_bloc_alone = vote(7, "hauptkonferenz", "2")
    [unvoted] = check_green_list_votes([taken_off_unvoted], meeting.agenda, profile, "abstimmungen.csv")
    assert unvoted.startswith("abstimmungen.csv, Zeile 4:") and "kein Votum der Vorkonferenz" in unvoted
    [opposed] = check_green_list_votes(taken_off_opposed, meeting.agenda, profile, "abstimmungen.csv")
    assert opposed.startswith("abstimmungen.csv, Zeile 5:") and "steht nicht auf der Grünen Liste" in opposed
    [alone] = check_green_list_votes([en_bloc_alone], meeting.agenda, profile, "abstimmungen.csv")
    assert "Zeile 7" in alone and "keine Voten der Vorkonferenz" in alone
    assert check_green_list_votes(meeting.inputs.votes, meeting.agenda, profile, "abstimmungen.csv") == []
