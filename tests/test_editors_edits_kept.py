"""What content editors change in the admin is never lost: not by `make serve` starting again,
not by seeding, not by shipping a content update; and a content update still reaches every
row no editor touched."""

import json
import shlex
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.forms import CheckboxInput, CheckboxSelectMultiple

from backcare.catalogue import version
from backcare.catalogue.models import Contraindication, Movement, StopSignal, Technique
from backcare.catalogue.shipping import read_fixture

pytestmark = pytest.mark.django_db

EDITED = "Knead the top of the shoulder slowly (the words of an editor, not of the fixture)."


def edit_in_the_admin(client, obj, **changes) -> None:
    """Open the row's change form and save it with `changes`, as an editor in a browser does:
    every other field (inlines too) is posted as the page fills it in."""
    url = f"/admin/catalogue/{obj._meta.model_name}/{obj.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    saved = client.post(url, data | changes)
    assert saved.status_code == 302, saved.content.decode()[:2000]


def technique_page(client, slug: str) -> str:
    page = client.get(f"/techniques/{slug}/")
    assert page.status_code == 200
    return page.content.decode()


def run(*command: str) -> str:
    out = StringIO()
    call_command(*command, stdout=out)
    return out.getvalue()


def serve_prepare_commands() -> list[list[str]]:
    """The `manage.py` commands of the Makefile's serve-prepare recipe, as written there."""
    lines = (settings.BASE_DIR / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("serve-prepare:"))
    commands = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        words = shlex.split(line)
        if "manage.py" in words:
            command = []
            for word in words[words.index("manage.py") + 1 :]:
                if word in ("|", "||", "&&", ";") or word.startswith(("<", ">", "2>")):
                    break  # the shell's, not the command's
                command.append(word)
            commands.append(command)
    return commands


def write_fixture(tmp_path, entries: list[dict]):
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False))
    return path


def changed_fixture(tmp_path, **summaries: str):
    """The shipped fixture with techniques' summaries changed (by slug)."""
    entries = read_fixture()
    for entry in entries:
        if entry["model"] == "catalogue.technique" and entry["fields"]["slug"] in summaries:
            entry["fields"]["summary"] = summaries[entry["fields"]["slug"]]
    return write_fixture(tmp_path, entries)


def test_an_admin_edit_survives_what_make_serve_runs_before_serving(editor, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    kneading = Technique.objects.get(slug="shoulder-kneading")
    edit_in_the_admin(editor, kneading, summary=EDITED)
    assert EDITED in technique_page(editor, "shoulder-kneading")

    commands = serve_prepare_commands()
    assert any("catalogue" in " ".join(command) for command in commands), commands
    for command in commands:
        run(*command)

    assert EDITED in technique_page(editor, "shoulder-kneading")
    kneading.refresh_from_db()
    assert kneading.summary == EDITED


def test_seeding_a_catalogue_that_holds_content_changes_nothing(editor):
    edit_in_the_admin(editor, Technique.objects.get(slug="shoulder-kneading"), summary=EDITED)
    before = version.current()

    said = run("seed_catalogue")

    assert said.count("\n") == 1 and "left as it is" in said
    assert version.current() == before
    assert EDITED in technique_page(editor, "shoulder-kneading")


def test_seeding_says_what_it_did_in_one_json_line_for_the_servers_log():
    said = json.loads(run("seed_catalogue", "--format", "json"))
    assert said["seeded"] is False and said["level"] == "INFO"
    assert "left as it is" in said["message"]


def test_seeding_an_empty_catalogue_loads_the_fixture_and_a_content_update_then_has_nothing_to_do():
    from backcare.catalogue.models import content_models

    for model in reversed(content_models()):
        model.objects.all().delete()

    said = run("seed_catalogue")

    assert f"loaded {len(read_fixture())} rows" in said
    assert Technique.objects.filter(slug="shoulder-kneading").exists()
    assert "0 to add, 0 to update, 0 kept as edited" in run("update_catalogue")


def test_a_content_update_never_overwrites_an_admin_edit(editor, tmp_path):
    edit_in_the_admin(editor, Technique.objects.get(slug="shoulder-kneading"), summary=EDITED)
    fixture = changed_fixture(tmp_path, **{"shoulder-kneading": "New words from the fixture."})

    said = run("update_catalogue", "--fixture", str(fixture), "--apply")

    assert "keep (changed in the admin since shipped): technique shoulder-kneading" in said
    assert EDITED in technique_page(editor, "shoulder-kneading")
    assert "New words from the fixture." not in technique_page(editor, "shoulder-kneading")
    # Shipping the unchanged fixture again keeps it too.
    said = run("update_catalogue", "--apply")
    assert "leave (changed in the admin; the fixture's row is as shipped): technique " in said
    assert EDITED in technique_page(editor, "shoulder-kneading")


def test_the_fixtures_version_replaces_an_edit_only_when_asked_for_by_name(editor, tmp_path):
    edit_in_the_admin(editor, Technique.objects.get(slug="shoulder-kneading"), summary=EDITED)
    fixture = changed_fixture(tmp_path, **{"shoulder-kneading": "New words from the fixture."})
    with pytest.raises(CommandError, match="technique self-palm-stroking"):
        run("update_catalogue", "--fixture", str(fixture), "--take", "technique self-palm-stroking")

    said = run(
        "update_catalogue",
        "--fixture",
        str(fixture),
        "--apply",
        "--take",
        "technique shoulder-kneading",
    )

    assert "update: technique shoulder-kneading" in said
    assert "New words from the fixture." in technique_page(editor, "shoulder-kneading")


def test_a_content_update_reaches_a_row_no_editor_touched(client, tmp_path):
    new = "Slow strokes with the flat of the hand: new words from the fixture."
    assert new not in technique_page(client, "self-palm-stroking")  # and now kept for visitors
    fixture = changed_fixture(tmp_path, **{"self-palm-stroking": new})

    said = run("update_catalogue", "--fixture", str(fixture), "--apply")

    assert "update: technique self-palm-stroking" in said
    assert "1 to update" in said and "catalogue version renewed" in said
    assert new in technique_page(client, "self-palm-stroking")


def test_a_dry_run_lists_every_change_and_changes_nothing(editor, tmp_path):
    edit_in_the_admin(editor, Technique.objects.get(slug="shoulder-kneading"), summary=EDITED)
    entries = read_fixture()
    entries = [e for e in entries if e["fields"].get("slug") != "sharp-pain"]  # removed
    for entry in entries:
        if entry["fields"].get("slug") in ("self-palm-stroking", "shoulder-kneading"):
            entry["fields"]["summary"] = "New words from the fixture."
    added = {"slug": "a-new-feeling", "feeling": "A new feeling", "action": "ease"}
    added |= {"advice": "Ease off.", "order": 99, "sources": [["backcare-advice"]]}
    entries.append({"model": "catalogue.stopsignal", "fields": added})
    fixture = write_fixture(tmp_path, entries)
    before = version.current()

    said = run("update_catalogue", "--fixture", str(fixture))

    assert said.splitlines() == [
        "add: stop signal a-new-feeling",
        "update: technique self-palm-stroking",
        "keep (changed in the admin since shipped): technique shoulder-kneading",
        "leave (no longer in the fixture): stop signal sharp-pain",
        "1 to add, 1 to update, 1 kept as edited, 0 edited in the admin only, 0 left deleted, "
        "1 gone from the fixture, "
        f"0 added in the admin, {len(entries) - 3} unchanged. "
        "Dry run: nothing was changed (--apply writes the changes).",
    ]
    assert version.current() == before
    assert not StopSignal.objects.filter(slug="a-new-feeling").exists()
    assert "New words from the fixture." not in technique_page(editor, "self-palm-stroking")


def test_rows_gone_from_the_fixture_are_reported_and_kept(tmp_path):
    entries = [e for e in read_fixture() if e["fields"].get("slug") != "sharp-pain"]

    said = run("update_catalogue", "--fixture", str(write_fixture(tmp_path, entries)), "--apply")

    assert "leave (no longer in the fixture): stop signal sharp-pain" in said
    assert StopSignal.objects.filter(slug="sharp-pain").exists()


def test_a_row_deleted_in_the_admin_is_not_brought_back(editor):
    signal = StopSignal.objects.get(slug="sharp-pain")
    deleted = editor.post(f"/admin/catalogue/stopsignal/{signal.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    said = run("update_catalogue", "--apply")

    assert "leave out (deleted in the admin since shipped): stop signal sharp-pain" in said
    assert not StopSignal.objects.filter(slug="sharp-pain").exists()


def test_an_editor_ticks_the_motions_a_movement_does_and_a_question_leaves_out(editor):
    """JSON lists of choices are checkboxes in the admin, never JSON typed by hand."""
    osteoporosis = Contraindication.objects.get(slug="osteoporosis")
    page = editor.get(f"/admin/catalogue/contraindication/{osteoporosis.pk}/change/")
    form = page.context["adminform"].form
    for name in ("excluded_positions", "excluded_motions"):
        assert isinstance(form.fields[name].widget, CheckboxSelectMultiple)
    assert form["excluded_motions"].value() == ["bend_forward", "twist"]
    assert 'value="lying_back"' in page.content.decode()
    assert "movement_caution" in form.fields

    edit_in_the_admin(editor, osteoporosis, excluded_motions=["twist"])
    osteoporosis.refresh_from_db()
    assert osteoporosis.excluded_motions == ["twist"]

    knee_rolls = Movement.objects.get(slug="knee-rolls")
    edit_in_the_admin(editor, knee_rolls, motions=["bend_forward", "twist"], reps="6")
    knee_rolls.refresh_from_db()
    assert (knee_rolls.motions, knee_rolls.reps) == (["bend_forward", "twist"], 6)

    url = f"/admin/catalogue/movement/{knee_rolls.pk}/change/"
    refused = editor.post(url, {"motions": ["sideways"]})
    assert refused.status_code == 200 and "motions" in refused.context["adminform"].form.errors
