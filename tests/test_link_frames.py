"""Claim frames and stance: what a clause asserts or denies, the frames file as data, user extensions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from narrascope.errors import NarrascopeError
from narrascope.link.claims import build_claims
from narrascope.link.cues import is_proposition
from narrascope.link.frames import ASSERTS, DENIES, claim_stance, find_frames, load_frames, negative, stance
from narrascope.model import Article, Statement


@pytest.fixture(scope="module")
def frames():
    return load_frames()


def _stance_of(text: str, frames, cue: str = "") -> dict[str, str]:
    return {h.frame: stance(text, h.start, cue) for h in find_frames(text, frames)}


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        (
            "the United States was not looking for regime change in Syria",
            "assured",
            {"regime_change": DENIES},
        ),
        (
            "their presence does not indicate any desire to break apart a country",
            "saying",
            {"partition": DENIES},
        ),
        ("We have no plans to break Veloria apart", "said", {"partition": DENIES}),
        ("the Compact wants to partition Veloria", "denied", {"partition": DENIES}),
        ("the alliance has never sought to divide Veloria", "insisted", {"partition": DENIES}),
        ("Plans for the actual partition of Syria do exist", "said", {"partition": ASSERTS}),
        ("the US must end its illegal presence in Syria", "said", {"illegal_presence": ASSERTS}),
        # a negator in an earlier clause does not reach the frame
        (
            "Daesh has not been defeated, and the main condition is regime change",
            "said",
            {"regime_change": ASSERTS},
        ),
        # denial cue and negated content cancel: denying that it is *not* partition asserts it
        ("the plan is not a partition of the country", "rejected", {"partition": ASSERTS}),
        # the clause calls it false, after the frame
        ("The claim that the US plans to partition Syria is false", "said", {"partition": DENIES}),
        # "without evidence" before an accusation and "not only" are no negation of it
        (
            "Moscow has repeatedly and without evidence accused Washington of seeking regime change",
            "",
            {"regime_change": ASSERTS},
        ),
        ("Vestria is not only partitioning Syria but also arming its allies", "", {"partition": ASSERTS}),
        ("There is no doubt that the US wants to partition Syria", "", {"partition": ASSERTS}),
        ("США хотят разделить Сирию", "", {"partition": ASSERTS}),
        ("Die USA wollen keine Teilung Syriens", "", {"partition": DENIES}),
    ],
)
def test_stance_to_a_frame(frames, text, cue, expected):
    assert _stance_of(text, frames, cue) == expected


@pytest.mark.parametrize(
    ("text", "cue", "stance", "is_negative"),
    [
        # a negation alone is no denial: accusers say "not" too; it tells the claim's polarity
        ("grain loaded at the port of Selin is not being shipped to Varos in secret", "said", ASSERTS, True),
        ("Nobody builds a level-three containment facility to vaccinate sheep", "said", ASSERTS, True),
        ("We will not stop until every manifest is published", "said", ASSERTS, True),
        ("There is no barter arrangement with Varos, and there never has been", "said", ASSERTS, True),
        ("There is no doubt that grain is being shipped to Varos", "said", ASSERTS, False),  # an idiom
        # the formulas of a denial of intent
        ("Vestria has no plans to open any laboratory abroad", "said", DENIES, True),
        ("the government had no intention of exporting grain to Varos", "said", DENIES, True),
        # calling it false, or a denial cue, denies
        ("the claims were fabricated from start to finish", "told", DENIES, True),
        ("That story is false", "told", DENIES, True),
        ("the grain is being shipped to Varos to pay for shells", "said", ASSERTS, False),
        ("the grain is being shipped to Varos to pay for shells", "denied", DENIES, True),
        # a negation in a later clause is not the claim's
        ("the ships are real, whatever the minister does not want to see", "said", ASSERTS, False),
        # denying a negation asserts it; a quotation's negation is the speaker's own, whatever the cue
        ("that there was no plan to partition the country", "denied", DENIES, False),
        ("“There is no barter arrangement with Varos,”", "denied", DENIES, True),
    ],
)
def test_stance_and_polarity_of_a_claim_that_names_no_frame(text, cue, stance, is_negative):
    assert claim_stance(text, cue) == stance
    assert negative(text, stance) == is_negative


@pytest.mark.parametrize(
    "text",
    [
        "Radically divided American society awaits an election",  # a divided society is not a partition
        "The fight against terrorists in the north goes on",  # fighting terrorists is not sponsoring them
        "Minister says the dam will open in May",
        # ordinary political prose (PolNeAR 2016 US election news): a race, a chamber, banks, an office
        "His enemies within the Trump circle, led by ousted campaign manager Corey Lewandowski",
        "the political novice who wants to unseat Rep. Debbie Wasserman Schultz",
        "Mr. Sanders is counting on the fervor of his supporters to topple Mrs. Clinton in Iowa",
        "Trump can't be toppled next Tuesday",
        "the activist seeking to overthrow that status quo",
        "the party out of power sees higher turnout during its nominating contests",
        "the balance of power in the closely divided Senate",
        "the gap is smaller in more politically divided Colorado, Florida, Michigan and Iowa",
        "a divided Republican Party with a tenuous hold on the House",
        "the first race since a divided Supreme Court invalidated a key provision",
        "He proposes breaking up Wall Street banks that have grown since the financial crisis",
        "The One Thing Both Sides Want: Break Up Banks",
        "a show work space with unfinished ceilings, makeshift drywall partitions",
        "a candidate who would govern by dividing the country into the very kinds of opposing camps",
        "Bush and Rubio are busy working the absentee system to carve up Florida's 99 delegates",
        "according to the state Division of Gaming Enforcement",
        "at least 46,000 Twitter accounts were used by ISIS supporters",
        "Silicon Valley's efforts to crack down on the use by terrorists of social media",
        "Washington is using the latest terrorist attacks to renew its calls for encryption back doors",
        "Rubio said, using an acronym for the Islamic State",
        "This power vacuum in Syria created the conditions for ISIS to rise",
        "Santilli's role in the armed occupation continues to be a point of confusion",
    ],
)
def test_no_frame_where_none_is_claimed(frames, text):
    assert find_frames(text, frames) == []


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("the failed attempt to overthrow Syrian Pres. Bashar al-Assad", "regime_change"),
        (
            "the US might hope to use al-Qaeda's branch to unseat President Assad's government",
            "regime_change",
        ),
        ("an alternative plan to put them in power if Syrian government topples", "regime_change"),
        ("a NATO-led coalition to oust Col. Muammar el-Qaddafi in Libya", "regime_change"),
        ("Gulen runs a worldwide network trying to overthrow the regime", "regime_change"),
        ("Putin proceeded to dismember Ukraine, annexing Crimea", "partition"),
        ("the Americans have embarked on the course aimed at dividing the country", "partition"),
        ("US officials insist that they give no support to Nusra fighters", "terrorist_sponsorship"),
        ("the Saudi government is continuing to train and aid terrorists", "terrorist_sponsorship"),
    ],
)
def test_a_frame_about_a_state_or_its_government_still_fires(frames, text, frame):
    assert frame in [h.frame for h in find_frames(text, frames)]


def test_occupation_and_missing_mandate_are_illegal_presence(frames):
    for text in (
        "the US presence has been branded an occupation",
        "airstrikes inside Syria without any authorization from Damascus or a UN mandate",
        "its presence in Syria without an invitation from the legitimate government",
    ):
        assert [h.frame for h in find_frames(text, frames)] == ["illegal_presence"], text


def test_user_frames_extend_the_shipped_ones(tmp_path):
    user = tmp_path / "frames.yaml"
    user.write_text(
        "partition:\n  patterns: ['Aufspaltung']\nsanctions_hurt_europe:\n  label: sanctions hurt Europe\n"
        "  patterns: ['sanctions\\s+(?:\\w+\\s+){0,3}hurt\\w*\\s+Europe']\n",
        encoding="utf-8",
    )
    frames = load_frames(user)
    names = {f.name for f in frames}
    assert {"partition", "regime_change", "sanctions_hurt_europe"} <= names
    assert [h.frame for h in find_frames("die Aufspaltung des Landes", frames)] == ["partition"]
    assert [h.frame for h in find_frames("the sanctions mostly hurt Europe", frames)] == [
        "sanctions_hurt_europe"
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("partition: [not, a, mapping]", "needs a list of patterns"),
        ("partition:\n  patterns: ['(unclosed']", "bad pattern"),
        ("partition:\n  patterns:\n    - your\\s+ip:", "is not a string; quote it"),  # YAML reads a mapping
        (": : :", "not valid YAML"),
    ],
)
def test_a_bad_frames_file_is_a_clear_error(tmp_path, body, message):
    user = tmp_path / "bad.yaml"
    user.write_text(body, encoding="utf-8")
    with pytest.raises(NarrascopeError, match=message):
        load_frames(user)


def test_frames_run_in_linear_time_on_hostile_text(frames):
    hostile = "divide " * 50_000 + "use " * 50_000 + "illegal " * 50_000  # a backtracking blow-up would hang
    hits = find_frames(hostile, frames)
    assert all(stance(hostile, h.start) in (ASSERTS, DENIES) for h in hits)


def _statement(text: str, cue: str, content: str) -> Statement:
    c, k = text.index(content), text.index(cue)
    return Statement(
        id="s1",
        article_id="a1",
        kind="indirect",
        speaker="Compact",
        cue=cue,
        content=content,
        content_start=c,
        content_end=c + len(content),
        cue_start=k,
        cue_end=k + len(cue),
        sentence_start=0,
        sentence_end=len(text),
    )


@pytest.mark.parametrize(
    ("text", "cue", "content", "claims"),
    [
        # a headline's short content that names a frame is a claim, with its stance
        ("Compact rejects partition charge", "rejects", "partition charge", [("partition", DENIES)]),
        (
            "Kovac said the plan would divide Veloria",
            "said",
            "the plan would divide Veloria",
            [("partition", ASSERTS)],
        ),
        # a short content that names no frame claims nothing
        ("Officials called it a gesture", "called", "a gesture", []),
    ],
)
def test_short_contents_are_claims_only_where_they_name_a_frame(frames, text, cue, content, claims):
    article = Article(id="a1", content_hash="h", text=text, source="test")
    found = build_claims(article, [_statement(text, cue, content)], [], frames)
    assert [(f.frame, f.stance) for c in found for f in c.frames] == claims
    assert [c.stance for c in found] == [stance for _, stance in claims]


@pytest.mark.parametrize(
    ("text", "subject", "cue", "content", "claims"),
    [
        # Lavrov's belief about the US, not a US statement: no claim of the United States'
        ("Now we are sure that US wants to partition Syria", "US", "wants", "to partition Syria", 0),
        (
            "They are sure that the Compact plans to divide Veloria",
            "Compact",
            "plans",
            "to divide Veloria",
            0,
        ),
        # the subject's own intention, said in its own sentence, is its claim
        ("The Compact wants to divide Veloria, its envoy said", "Compact", "wants", "to divide Veloria", 1),
        # a speech cue after "that" is a statement of its own
        (
            "It is clear that the Compact said it would divide Veloria",
            "Compact",
            "said",
            "it would divide Veloria",
            1,
        ),
    ],
)
def test_an_intention_put_to_someone_inside_another_clause_is_not_their_claim(
    frames, text, subject, cue, content, claims
):
    st = _statement(text, cue, content)
    start = text.index(subject)
    st = replace(st, speaker=subject, speaker_start=start, speaker_end=start + len(subject))
    article = Article(id="a1", content_hash="h", text=text, source="test")
    assert len(build_claims(article, [st], [], frames)) == claims


@pytest.mark.parametrize(
    ("cue", "content", "expected"),
    [
        # noun phrases after an attitude, a mention or a speech verb (PolNeAR 2016 review, D1b)
        ("endorsed", "Republican presidential candidate Donald Trump", False),
        ("talked about", "GOP candidate Donald Trump", False),
        ("say", "the same of Sanders", False),
        ("expressed", "their support for Trump", False),
        ("bashed", "Trump's proposal to temporarily ban Muslims from entering the United States", False),
        ("are on record opposing", "a ban on Muslims entering the country", False),
        ("did not respond to", "a request for comment", False),
        # clauses put forward as true
        ("said", "the US wants to partition Syria", True),
        ("according to", "the Americans embarked on a course aimed at dividing Syria", True),
        ("did not recommend", "that she face criminal charges", True),
        ("told", "“We will not stop until every manifest is published”", True),
    ],
)
def test_only_a_proposition_is_a_claim(cue, content, expected):
    assert is_proposition(cue, content) == expected


@pytest.mark.parametrize(
    ("text", "cue", "stance", "is_negative"),
    [
        # a negated cue denies its content; a negated denial asserts it
        ("that she face criminal charges", "did not recommend", DENIES, True),
        ("that the emails were classified", "did not deny", ASSERTS, False),
        # a "not" in a relative clause is not the claim's
        (
            "About three-quarters support a temporary ban on Muslims who are not American citizens",
            "",
            ASSERTS,
            False,
        ),
    ],
)
def test_the_cue_s_polarity_and_relative_clauses(text, cue, stance, is_negative):
    assert claim_stance(text, cue) == stance
    assert negative(text, stance) == is_negative


def test_an_attitude_cue_makes_no_claim(frames):
    text = "Jewish groups condemned Trump's call to ban Muslims from entering the country"
    content = "Trump's call to ban Muslims from entering the country"
    article = Article(id="a1", content_hash="h", text=text, source="test")
    assert build_claims(article, [_statement(text, "condemned", content)], [], frames) == []


def test_a_lead_in_is_not_the_main_clause():
    """The same quotation, with and without "So far,", is negative both times (PolNeAR review, D5)."""
    for text in (
        "''So far, I cannot believe how civil it's been up here.''",
        "“I cannot believe how civil it’s been”",
    ):
        assert negative(text, ASSERTS), text


def _claims_from(text: str, cue: str, content_from: str, frames, kind: str = "indirect") -> list:
    """The claims of one statement whose content runs from ``content_from`` to the end of ``text``."""
    st = replace(_statement(text, cue, text[text.index(content_from) :]), kind=kind)
    return build_claims(Article(id="a1", content_hash="h", text=text, source="test"), [st], [], frames)


def test_an_indirect_content_run_on_past_a_paragraph_claims_its_own_paragraph_only(frames):
    text = (
        "Trump has steadfastly refused to disclose detailed medical records from his doctors.\n\n"
        "He has been pilloried for years for making dubious medical claims on the air."
    )
    found = _claims_from(text, "refused", "to disclose", frames)
    assert [c.text for c in found] == ["to disclose detailed medical records from his doctors."]
    # a quotation may go on in the next paragraph
    assert len(_claims_from(text, "refused", "to disclose", frames, kind="direct")) == 2
    assert len(_claims_from(text, "refused", "to disclose", frames, kind="mixed")) == 1


def test_a_content_goes_on_past_a_paragraph_where_a_colon_or_an_open_quotation_says_so(frames):
    text = (
        "He said, given the candidates on both sides, that there is only one choice:\n\n"
        "\u201cIt is Trump, because he spends his own money on the campaign.\u201d"
    )
    assert len(_claims_from(text, "said", "there is", frames, kind="mixed")) == 2
    opened = text.replace("choice:", "choice, \u201cit is").replace("\u201cIt is", "")
    assert len(_claims_from(opened, "said", "there is", frames, kind="mixed")) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a colour revolution is a narrative of its own, not regime change
        ("The US is living a colour revolution", {"colour_revolution"}),
        ("Washington staged a color revolution in Kyiv", {"colour_revolution"}),
        ("цветная революция в Белоруссии", {"colour_revolution"}),
        ("The US seeks regime change in Syria", {"regime_change"}),
        # a stolen vote is no foreign interference
        ("Russian interference in our elections", {"election_interference"}),
        ("the party establishment would try to steal the vote in Cleveland", {"election_fraud"}),
        ("Трамп заявил о фальсификации выборов", {"election_fraud"}),
        # a puppet is a puppet of a power
        ("NATO is a US puppet", {"puppet_state"}),
        ("Kyiv is a puppet of Washington", {"puppet_state"}),
        ("Ukraine has a puppet government", {"puppet_state"}),
        ('his rival is a "puppet" of corporations and elites', set()),
        ("No puppet. No puppet. The puppet show goes on", set()),
        # nazism is a government called Nazi today
        ("the Kyiv junta shelled the Donbas", {"nazism"}),
        ("the neo-Nazi regime in Kiev", {"nazism"}),
        ("the Nazi regime in Kyiv bans Russian", {"nazism"}),
        ("When the military junta began reforms in 2010, Suu Kyi was released", set()),
        ("To justify the crimes of the Nazi regime can be punished with prison", set()),
    ],
)
def test_a_frame_is_its_narrative_and_no_wider(frames, text, expected):
    assert {h.frame for h in find_frames(text, frames)} == expected
