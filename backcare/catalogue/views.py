"""Pages for browsing what Backcare knows: the back diagram, techniques, movements, props and
safety.

They are made from the catalogue alone, so each process keeps them until it changes
(`catalogue_page`)."""

from django.db.models import F, Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from backcare.catalogue.cache import catalogue_page
from backcare.catalogue.choices import Performer, Position
from backcare.catalogue.diagram import back_diagram
from backcare.catalogue.finder import find, picks_from, session_query
from backcare.catalogue.forms import FinderForm
from backcare.catalogue.models import (
    Contraindication,
    Family,
    Movement,
    Muscle,
    NoGoZone,
    Prop,
    Region,
    StopSignal,
    Technique,
    by_reach,
)
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.catalogue.values import unlocks
from backcare.web import FRAGMENT_HEADERS, HtmxHttpRequest, page_or_fragment


@require_safe
@catalogue_page
def home(request: HtmxHttpRequest) -> HttpResponse:
    counts = {
        "regions": Region.objects.count(),
        "muscles": Muscle.objects.count(),
        "techniques": Technique.objects.count(),
        "props": Prop.objects.count(),
    }
    snapshot = catalogue_snapshot()
    context = {
        "counts": counts,
        "red_flags": snapshot.urgent,
        # Places no kind of pressure may go, and what makes a person stop at once.
        "no_press": NoGoZone.objects.filter(families=None).order_by(  # the spine, then the rest
            F("region").asc(nulls_first=True), "slug"
        ),
        "stop_now": snapshot.stop_now,
    }
    return render(request, "catalogue/home.html", context)


def _muscle_page(request: HtmxHttpRequest, muscle: Muscle | None) -> HttpResponse:
    selected = [muscle.slug] if muscle else []
    context = {
        "muscle": muscle,
        "muscles": Muscle.objects.with_regions(),
        "diagram": back_diagram(selected=selected),
        "nav": "muscles",
    }
    if muscle:
        context["reach_groups"] = by_reach(muscle.techniques.all())
        areas = [region.slug for region in muscle.regions.all()]
        builds = context["builds"] = catalogue_snapshot().builds_for(muscle.slug)
        context["session_query"] = session_query(areas, muscle.slug if builds else "")
    template = page_or_fragment(request, "catalogue/muscles.html", "browser")
    return render(request, template, context)


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page
def muscle_list(request: HtmxHttpRequest) -> HttpResponse:
    return _muscle_page(request, None)


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page
def muscle_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    techniques = Technique.objects.with_details().prefetch_related("muscles__regions")
    muscle = get_object_or_404(
        Muscle.objects.prefetch_related(
            "regions", "sources", "movements", Prefetch("techniques", queryset=techniques)
        ),
        slug=slug,
    )
    return _muscle_page(request, muscle)


def _performer(query: QueryDict) -> str:
    """Whose techniques the list shows: a performer, or "" for all (also for a junk value)."""
    performer = query.get("performer", "")
    return performer if performer in Performer.values else ""


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page(reads=_performer)
def technique_list(request: HtmxHttpRequest) -> HttpResponse:
    performer = _performer(request.GET)
    techniques = Technique.objects.with_details()
    if performer:
        techniques = techniques.for_performer(performer)
    families = Family.objects.prefetch_related(Prefetch("techniques", queryset=techniques))
    context = {
        "families": families,
        "performer": performer,
        "performers": Performer.choices,
        "nav": "techniques",
    }
    template = page_or_fragment(request, "catalogue/techniques.html", "technique-list")
    return render(request, template, context)


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page
def technique_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    technique = get_object_or_404(
        Technique.objects.with_details().prefetch_related(
            "muscles__regions", "sources", "helpful_props"
        ),
        slug=slug,
    )
    zones = NoGoZone.objects.for_family(technique.family).prefetch_related("sources")
    context = {
        "technique": technique,
        "zones": zones,
        "diagram": back_diagram(selected=[m.slug for m in technique.muscles.all()], size="mini"),
        "nav": "techniques",
    }
    return render(request, "catalogue/technique.html", context)


def _position(query: QueryDict) -> str:
    """The position the movement list is narrowed to, or "" for all (also for a junk value)."""
    position = query.get("position", "")
    return position if position in Position.values else ""


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page(reads=_position)
def movement_list(request: HtmxHttpRequest) -> HttpResponse:
    """Every movement under each area of the back it moves, so a person starts from where it
    hurts; optionally only those done in one position (a person who can't get down to the
    floor)."""
    position = _position(request.GET)
    movements = Movement.objects.all()
    if position:
        movements = movements.filter(position=position)
    regions = list(Region.objects.prefetch_related(Prefetch("movements", queryset=movements)))
    context = {
        "regions": regions,
        "any_shown": any(region.movements.all() for region in regions),
        "position": position,
        "positions": Position.choices,
        "nav": "movements",
    }
    template = page_or_fragment(request, "catalogue/movements.html", "movement-list")
    return render(request, template, context)


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page
def movement_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    movement = get_object_or_404(
        Movement.objects.prefetch_related("regions", "muscles", "needs", "sources"), slug=slug
    )
    context = {
        "movement": movement,
        "diagram": back_diagram(selected=[m.slug for m in movement.muscles.all()], size="mini"),
        "session_query": session_query([r.slug for r in movement.regions.all()], ""),
        "nav": "movements",
    }
    template = page_or_fragment(request, "catalogue/movement.html", "movement")
    return render(request, template, context)


@require_safe
@catalogue_page
def prop_list(request: HtmxHttpRequest) -> HttpResponse:
    props = Prop.objects.prefetch_related("requirements", "helps")
    return render(request, "catalogue/props.html", {"props": props, "nav": "props"})


@require_safe
@catalogue_page
def prop_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    prop = get_object_or_404(
        Prop.objects.prefetch_related("substitutes_for", "substitutes", "sources"), slug=slug
    )
    unlocked = (
        Technique.objects.with_details()
        .prefetch_related("muscles__regions")
        .filter(requirements__prop=prop)
        .distinct()
    )
    snapshot = catalogue_snapshot()
    # The areas it opens to someone on their own, as the builder's hints say it: beyond bare
    # hands and what every home has.
    opened = unlocks(snapshot, Performer.SELF).get(prop.slug, ())
    context = {
        "prop": prop,
        "techniques": unlocked,
        "regions_alone": [(slug, snapshot.region_name(slug)) for slug in opened],
        "helped": prop.helps.select_related("family"),
        "nav": "props",
    }
    return render(request, "catalogue/prop.html", context)


@require_safe
@catalogue_page
def safety(request: HtmxHttpRequest) -> HttpResponse:
    questions = list(Contraindication.objects.prefetch_related("sources", "excluded_families"))
    context = {
        "groups": [
            (effect, [c for c in questions if c.effect == effect])
            for effect in Contraindication.Effect
        ],
        "signals": StopSignal.objects.prefetch_related("sources"),
        "zones": NoGoZone.objects.prefetch_related("sources", "families").select_related("region"),
        "diagram": back_diagram(size="mini", linked=False),
        "nav": "safety",
    }
    return render(request, "catalogue/safety.html", context)


def _finder_form(query: QueryDict) -> FinderForm:
    """The finder's form, bound when the query has its answers (other parameters aside)."""
    asked = any(name in query for name in FinderForm.base_fields)
    return FinderForm(query if asked else None, spots=catalogue_snapshot().spots)


def _finder_answers(query: QueryDict) -> tuple:
    """What the finder reads, as its form reads it: the places ticked (in any order, each
    once) and numbness. Read without the catalogue, so a kept page costs the same whatever its
    size: a place the catalogue doesn't have is refused by the view (400), and never kept."""
    if not any(name in query for name in FinderForm.base_fields):
        return ()
    numb = FinderForm.base_fields["numb"]
    ticked = numb.to_python(numb.widget.value_from_datadict(query, {}, "numb"))
    return tuple(sorted(set(query.getlist("spot")))), ticked


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS)
@catalogue_page(reads=_finder_answers)
def where_it_hurts(request: HtmxHttpRequest) -> HttpResponse:
    """The pain finder: the places that hurt -> the muscles most likely behind them, or the
    safety advice when the pain is one the screen stops a session for."""
    spots, form = catalogue_snapshot().spots, _finder_form(request.GET)
    finding = None
    if form.is_bound and form.is_valid():
        picks = picks_from(spots, form.cleaned_data["spot"])
        finding = find(picks, form.cleaned_data["numb"], catalogue_snapshot().movements)
    context = {
        "form": form,
        "spots": spots,
        "picked": form.picked(),
        "finding": finding,
        "diagram": back_diagram(linked=False, labels=False),
        "nav": "where",
    }
    template = page_or_fragment(request, "catalogue/where_it_hurts.html", "finding")
    return render(request, template, context, status=400 if form.errors else 200)
