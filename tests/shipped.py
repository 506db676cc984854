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
