"""The words that put hands on an area of the back, for tests that check what a step says.

A line for one area names only that area; a line for every area names none; and no step of
a session names an area the safety answers left out, except in a "keep off" line.
"""

import re

AREA_WORDS = {
    "neck-shoulders": [r"\bneck\b", r"\bshoulders?\b(?![ -]blades?)", r"\bupper trapezius\b"],
    "upper-back": [r"\bupper back\b", r"\bbetween (your|the|their) shoulder[ -]blades\b"],
    "mid-back": [r"\bmid(dle)?[ -]back\b", r"\bmiddle of (your|the|their) back\b"],
    "lower-back": [
        r"\blower back\b",
        r"\bsmall of (your|the|their) back\b",
        r"\bbottom of (your|the|their) back\b",
        r"\blumbar\b",
    ],
    "hips-glutes": [
        r"\bhips?\b",
        r"\bbuttocks?\b",
        r"\bglutes?\b",
        r"\bgluteal\b",
        r"\bsacrum\b",
        r"\bthigh\b",
    ],
}
_PATTERNS = {
    region: re.compile("|".join(words), re.IGNORECASE) for region, words in AREA_WORDS.items()
}

# Pressing below the lowest ribs is pressing on the kidneys.
KIDNEY_WORDS = re.compile(
    r"kidney|(below|under|beneath) (your|the|their) (lowest |bottom )?ribs", re.IGNORECASE
)

# A one-sided step never sends you to the other side: the next step does.
OTHER_SIDE_WORDS = re.compile(
    r"swap (sides|hands)|switch (sides|hands)|(the|your|their) other side|repeat on the other",
    re.IGNORECASE,
)

# Counts that can't fit a timer of 30 s to 5 min: "five passes", "a minute or so".
COUNT_WORDS = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty)"
    r"( (to|or) \w+)? (full |slow |long |light )?(times|passes|strokes|rounds|repetitions)\b"
    r"(?! (a|per|each) minute)"
    r"|a minute or so|for (about )?a minute\b",
    re.IGNORECASE,
)


def areas_named(text: str) -> set[str]:
    """The areas of the back that `text` names."""
    return {region for region, pattern in _PATTERNS.items() if pattern.search(text)}
