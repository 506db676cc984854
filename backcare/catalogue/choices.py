"""Backcare's fixed vocabularies and the numbers the rules rest on, each defined once.

Enumerations and constants only — no models — so the pure composer
(`backcare.catalogue.values`, `backcare.planner.compose`) and the models, forms and views all
use the same definitions.
"""

from django.db.models import IntegerChoices, TextChoices


class Performer(TextChoices):
    SELF = "self", "Yourself"
    PARTNER = "partner", "A partner"


class Reach(TextChoices):
    """How a technique gets to a muscle, in the words the muscle pages use."""

    HANDS = "hands", "Alone, hands only"
    PROP = "prop", "Alone, with a prop"
    PARTNER = "partner", "With a partner"


class Pressure(IntegerChoices):
    LIGHT = 1, "Light"
    MODERATE = 2, "Moderate"
    FIRM = 3, "Firm"


# Someone without training keeps to moderate pressure at most: seed 004 warns that strong
# pressure from a non-professional can injure, and an untrained partner can't judge it.
PARTNER_MAX_PRESSURE = Pressure.MODERATE


class Setting(TextChoices):
    """Where the person is during a technique: steps in the same place come together."""

    SITTING = "sitting", "Sitting or standing"
    WALL = "wall", "Against a wall"
    FLOOR = "floor", "Lying on the floor"
    FACE_DOWN = "face_down", "Lying face down for a partner"


class Effect(TextChoices):
    """What a yes to a screening question does (catalogue Contraindication.effect)."""

    REFER_URGENTLY = "refer_urgently", "Get medical help now"
    REFER = "refer", "No massage today: see a doctor"
    AVOID_REGION = "avoid_region", "Leave out the area"
    LIMIT = "limit", "Limit pressure, techniques or length"


class SignalAction(TextChoices):
    """What to do about a feeling during a session (catalogue StopSignal.action)."""

    STOP = "stop", "Stop now"
    EASE = "ease", "Ease off"
    CARRY_ON = "carry_on", "Fine to carry on"


class CauseHow(TextChoices):
    """How a muscle is behind pain at a spot (catalogue PainCause.how)."""

    LIES_HERE = "lies_here", "Lies here"
    REFERS_HERE = "refers_here", "Sends pain here"


class WarnWhen(TextChoices):
    """When pain at a spot answers a screening question (catalogue SpotWarning.when)."""

    ALWAYS = "always", "Pain here"
    BOTH_SIDES = "both_sides", "Pain here on both sides"
    WITH_NUMBNESS = "with_numbness", "Pain here with numbness, tingling or weakness"
    ASK = "ask", "Pain here: ask the question too (pain alone is not a yes)"


class Phase(TextChoices):
    WARM_UP = "warm_up", "Warm-up"
    MAIN = "main", "Main"
    MOVE = "move", "Movement"
    FINISH = "finish", "Finish"


class Side(TextChoices):
    LEFT = "left", "Left side"
    RIGHT = "right", "Right side"
    BOTH = "both", "Both sides"


SIDES = (Side.LEFT, Side.RIGHT)  # one side, then the other

# The cost rank of what every home has (a wall, a chair, the floor): never needs ticking.
EVERYDAY = 0

# A session's length, in minutes.
MIN_MINUTES, MAX_MINUTES = 3, 60


class GuidelineSlug(TextChoices):
    """The guidelines the planner reads (their values are catalogue data, with sources)."""

    SOLO_HANDS_MINUTES = "solo-hands-minutes", "Your own hands, at most"
    SOLO_DEFAULT_MINUTES = "solo-default-minutes", "A session on your own, usually"
    PARTNER_DEFAULT_MINUTES = "partner-default-minutes", "A session with a partner, usually"


class Position(TextChoices):
    """How a person is placed for a movement (catalogue Movement.position)."""

    LYING_BACK = "lying_back", "Lying on your back"
    LYING_FRONT = "lying_front", "Lying on your front"
    ALL_FOURS = "all_fours", "On your hands and knees"
    SITTING = "sitting", "Sitting"
    STANDING = "standing", "Standing"


class Motion(TextChoices):
    """What a movement asks of the spine, for the screen's limits (Contraindication
    .excluded_motions): a movement may do several or none of these."""

    BEND_FORWARD = "bend_forward", "Bending the back forward"
    BEND_BACK = "bend_back", "Bending the back backward"
    TWIST = "twist", "Twisting the back"


class Pattern(TextChoices):
    """How a movement's repetitions go, for the player's counter and voice."""

    HOLD = "hold", "Move, hold, release: that's one"
    FLOW = "flow", "A slow, steady movement: each one counts"
    EACH_SIDE = "each_side", "All on one side, then all on the other"
    ALTERNATE = "alternate", "One side, then the other: that's one"
