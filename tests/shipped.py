"""Slugs of the shipped catalogue that many tests draw requests from."""

ALL_REGIONS = ("neck-shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes")
ALL_PROPS = (
    "tennis-ball",
    "lacrosse-ball",
    "foam-roller",
    "ball-sock",
    "massage-cane",
    "wall",
    "massage-oil",
    "handheld-massager",
    "chair",
    "floor-mat",
)
# Safety answers that leave an area out; that cap the pressure (and bar kinds of work); that cap
# a session's length; every limit.
LOCAL = ("open-wound", "burn", "skin-condition", "recent-strain", "lymph-nodes")
PRESSURE_CAPS = ("osteoporosis", "blood-thinners")
LENGTH_CAPS = ("osteochondrosis",)
LIMITS = PRESSURE_CAPS + LENGTH_CAPS
