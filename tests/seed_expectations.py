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
