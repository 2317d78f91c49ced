"""What the seeds must keep: a distinctive phrase from the sentence of each GOLD statement, per file."""

STATEMENT_PHRASES = {
    "000_c89ed354730683c8.txt": [
        "embarked on the course aimed at dividing",
        "cozying up to various groups",
        "SANA described the action",
        "told CNN",
    ],
    "001_7f10563c03b5c748.txt": [
        "view Daesh as an excuse",
        "East Bank of the Euphrates",
        "radius of 55 km",
        "responsible for creating Daesh",
        "not looking for regime change",
        "does not indicate any desire to break apart",
    ],
    "002_2ff34fa1bdc5f02b.txt": [
        "plunge the entire region",
        "important statement",
        "not our method",
        "keep al-Nusra in some form",
    ],
    "003_d163a95aeccb179b.txt": [
        "wants to save a jihadi group",
        "more than 400 people",
        "banned by the United Nations",
    ],
    "004_39fbe9eb1b5aa74b.txt": [
        "illegal presence of the United States",
        "de facto partition",
        "deal was being rejuvenated",
        "branded an occupation",
    ],
}

# Every GOLD statement, in GOLD's order per file: (speaker as GOLD names it, cue word, phrase inside the content).
# A speaker GOLD gives as a description ("a US military official") must stay that description, with no entity.
GOLD_STATEMENTS = {
    "000_c89ed354730683c8.txt": [
        ("Sergey Lavrov", "said", "aimed at dividing the country"),
        ("Sergey Lavrov", "stressed", "cozying up to various groups"),
        ("SANA", "described", "aggression"),
        ("a US military official", "told", "coordinated attack on Syrian Democratic Forces"),
    ],
    "001_7f10563c03b5c748.txt": [
        ("Sergei Lavrov", "said", "view Daesh as an excuse"),
        ("Sergei Lavrov", "pointed out", "main remaining hotbed of Daesh"),
        ("Sergei Lavrov", "said", "illegally created a zone"),  # "he said": resolved to Lavrov
        ("James Jeffrey", "claimed", "responsible for creating Daesh"),
        ("James Jeffrey", "assured", "not looking for regime change"),
    ],
    "002_2ff34fa1bdc5f02b.txt": [
        ("Kremlin", "said", "opposed to such military action"),
        ("John Kerry", "said", "important statement"),
        ("Maria Zakharova", "said", "not our method"),
        ("Sergei Lavrov", "said", "keep al-Nusra in some form"),
    ],
    "003_d163a95aeccb179b.txt": [
        ("Sergei Lavrov", "told", "wants to save a jihadi group"),
        ("United Nations", "said", "more than 400 people"),
        ("Sergei Lavrov", "denied", "allegations"),
    ],
    "004_39fbe9eb1b5aa74b.txt": [
        ("Sergei Ryabkov", "said", "must end its illegal presence"),
        ("Ilhan Ahmed", "said", "deal was being rejuvenated"),
        ("Bashar al-Assad", "branded", "occupation"),
    ],
}
