"""Article similarity: translations and retellings of one story score above other stories; SemEval floor."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from narrascope.evaluate.similarity import (
    Pair,
    cross_validate,
    evaluate_similarity,
    format_report,
    grouped_folds,
    is_walled,
    load_pairs,
)
from narrascope.link.similarity import FEATURES, ArticleSimilarity, ArticleText, load_weights, split_sentences

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))

# A fictional story, its German and Russian translations, a retelling and two other stories.
BRIDGE = ArticleText(
    title="Storm destroys the old bridge of Velmora",
    text=(
        "A violent storm destroyed the 19th-century stone bridge of Velmora on Tuesday night. "
        "Mayor Anna Kessler said nobody was injured, but the town is now cut off from the northern valley. "
        "Engineers from the regional office will inspect the remains on Thursday. "
        "The bridge, built in 1864, carried 4,000 vehicles a day."
    ),
    language="en",
)
BRIDGE_DE = ArticleText(
    title="Sturm zerstört die alte Brücke von Velmora",
    text=(
        "Ein heftiger Sturm hat in der Nacht zum Dienstag die Steinbrücke von Velmora aus dem 19. Jahrhundert "
        "zerstört. Bürgermeisterin Anna Kessler sagte, niemand sei verletzt worden, aber die Stadt sei nun vom "
        "nördlichen Tal abgeschnitten. Ingenieure des Regionalamts werden die Reste am Donnerstag untersuchen. "
        "Die 1864 gebaute Brücke trug täglich 4.000 Fahrzeuge."
    ),
    language="de",
)
BRIDGE_RU = ArticleText(
    title="Шторм разрушил старый мост в Вельморе",
    text=(
        "Сильный шторм во вторник ночью разрушил каменный мост XIX века в Вельморе. "
        "Мэр Анна Кесслер заявила, что никто не пострадал, но город теперь отрезан от северной долины. "
        "Инженеры регионального управления осмотрят остатки моста в четверг. "
        "По мосту, построенному в 1864 году, ежедневно проезжали 4000 автомобилей."
    ),
    language="ru",
)
BRIDGE_RETOLD = ArticleText(
    title="Velmora cut off after its historic bridge collapses in storm",
    text=(
        "Residents of Velmora woke up on Wednesday without their only road link to the north: "
        "overnight winds brought down the stone bridge that had stood since 1864. "
        "No injuries were reported, Mayor Anna Kessler told reporters. "
        "Inspectors are expected on site later this week."
    ),
    language="en",
)
ELECTION = ArticleText(
    title="Farmers' party wins the provincial election in Ostrava Lowlands",
    text=(
        "The farmers' party won 41 percent of the vote in Sunday's provincial election, its best result in "
        "two decades. Turnout rose to 63 percent. The party's leader promised lower fuel taxes and new "
        "irrigation subsidies, and said coalition talks would begin next week."
    ),
    language="en",
)
FLOOD = ArticleText(
    title="Floods close schools in the harbour city of Tarven",
    text=(
        "Heavy rain flooded the lower districts of Tarven on Monday and the city closed all its schools "
        "for two days. Firefighters pumped water from hundreds of cellars. The weather service expects "
        "the river to peak on Wednesday."
    ),
    language="en",
)


@pytest.fixture(scope="module")
def similarity() -> ArticleSimilarity:
    return ArticleSimilarity()


def test_translations_score_above_unrelated_articles(similarity: ArticleSimilarity) -> None:
    scores = similarity.score_pairs(
        [
            (BRIDGE, BRIDGE_DE),
            (BRIDGE, BRIDGE_RU),
            (BRIDGE, ELECTION),
            (BRIDGE_DE, ELECTION),
            (BRIDGE_RU, FLOOD),
        ]
    )
    assert min(scores[:2]) > max(scores[2:])


def test_same_story_in_other_words_beats_another_story(similarity: ArticleSimilarity) -> None:
    retold, other_disaster, election = similarity.score_pairs(
        [(BRIDGE, BRIDGE_RETOLD), (BRIDGE, FLOOD), (BRIDGE, ELECTION)]
    )
    assert retold > other_disaster
    assert retold > election


def test_score_is_symmetric_and_bounded(similarity: ArticleSimilarity) -> None:
    pairs = [(BRIDGE, BRIDGE_DE), (BRIDGE_DE, BRIDGE), (FLOOD, BRIDGE_RU), (BRIDGE_RU, FLOOD)]
    scores = similarity.score_pairs(pairs)
    assert scores[0] == pytest.approx(scores[1], abs=1e-9)
    assert scores[2] == pytest.approx(scores[3], abs=1e-9)
    assert np.all((scores >= 0) & (scores <= 1))
    assert similarity.score(BRIDGE, BRIDGE_DE) == pytest.approx(scores[0], abs=1e-5)  # other batch, float32
    assert similarity.predict_overall(BRIDGE, BRIDGE_DE) == pytest.approx(4 - 3 * scores[0], abs=1e-4)
    assert set(similarity.features(BRIDGE, FLOOD)) == set(FEATURES)


def test_empty_articles_are_scored_without_error(similarity: ArticleSimilarity) -> None:
    empty = ArticleText(title="", text="")
    score = similarity.score(empty, BRIDGE)
    assert 0 <= score <= 1
    assert similarity.score_pairs([]).shape == (0,)


def test_article_vectors_are_unit_and_find_the_translation(similarity: ArticleSimilarity) -> None:
    vectors = similarity.article_vectors([BRIDGE, BRIDGE_RU, ELECTION, FLOOD])
    assert vectors.shape == (4, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert int(np.argmax(vectors[1:] @ vectors[0])) == 0


def test_weights_declare_the_features_and_their_training() -> None:
    weights = load_weights()
    assert tuple(weights["features"]) == FEATURES
    model = weights["model"]
    assert len(model["coef"]) == len(FEATURES) * (1 + 2 * len(model["knots"]))  # x, then a ramp pair per knot
    assert min(model["coef"]) >= 0  # monotone: no feature can lower the similarity
    assert len(weights["doc_centre"]) == len(weights["sentence_centre"]) == 512
    assert 0.7 < weights["cv_pearson_overall"] < 1
    assert "SemEval-2022" in weights["training_data"]


def test_sentences_split_in_several_scripts() -> None:
    assert split_sentences("Erster Satz. Zweiter Satz!  Titel\nDritter") == [
        "Erster Satz.",
        "Zweiter Satz!",
        "Titel",
        "Dritter",
    ]
    assert split_sentences("第一句。第二句！") == ["第一句。", "第二句！"]


def test_wall_pages_get_the_training_mean_in_cross_validation() -> None:
    rng = np.random.default_rng(3)
    features = rng.uniform(0, 1, (60, 2))
    gold = 4.0 - 3.0 * features[:, 0]  # the first feature decides the score
    fold = np.arange(60) % 3
    walled = np.zeros(60, dtype=bool)
    walled[[4, 31]] = True
    plain = cross_validate(features, gold, fold, 1.0)
    hedged = cross_validate(features, gold, fold, 1.0, walled)
    assert np.allclose(plain[~walled], hedged[~walled])
    assert hedged[4] == pytest.approx(gold[fold != 1].mean())
    assert hedged[31] == pytest.approx(gold[fold != 1].mean())
    captcha = ArticleText(
        "", 'We recorded a huge amount of connections. Select "I am not a robot". Your IP: 1.2.3.4'
    )
    story = ArticleText("Ferry fares", "Ferry fares in Tamsby rise by a tenth from May, the operator said.")
    assert is_walled(Pair("1_2", "en", "en", story, captcha, 1.0, 1.0))
    assert not is_walled(Pair("1_3", "en", "en", story, story, 1.0, 1.0))


def test_folds_keep_shared_articles_together(shared: Path) -> None:
    pairs = load_pairs(shared / "eval" / "semeval2022-task8" / "pairs.csv")
    folds = grouped_folds(pairs)
    fold_of: dict[ArticleText, int] = {}
    for pair, fold in zip(pairs, folds, strict=True):
        for article in (pair.first, pair.second):
            assert fold_of.setdefault(article, fold) == fold
    assert sorted(set(folds.tolist())) == [0, 1, 2, 3, 4]


def test_semeval_pearson_floor(shared: Path) -> None:
    report = evaluate_similarity(shared / "eval" / "semeval2022-task8" / "pairs.csv", limit=150)
    assert report.pairs == 150
    assert report.model_overall >= FLOORS["similarity_semeval_pearson_150"], format_report(report)
    assert report.baseline_overall > 0.5
    assert sum(s.pairs for s in report.by_language) == 150
    assert "0.818" in format_report(report)
    assert report.walled >= 1 and report.model_without_walls >= report.model_overall - 0.05


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,b\n1,2\n", "lacks the SemEval-2022 Task 8 columns pair_id"),
        (b"pair_id,lang1,lang2,text1,text2,Overall,Narrative\n1,en,en,a,b,high,1\n", "line 2: Overall"),
        (b"\xff\xfe\x00broken", "is not UTF-8 text"),
    ],
)
def test_a_broken_pairs_file_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    from typer.testing import CliRunner

    from narrascope.cli import app

    path = tmp_path / "pairs.csv"
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["eval", "similarity", str(path)])
    assert result.exit_code == 1, result.output
    assert "[E107]" in result.output and message in result.output and str(path) in result.output
    assert "Traceback" not in result.output
