"""Where a course's gradebook is: SQLite's gradebook.db unless .autograder/gradebook_url names
another database, and every tool of the course reads the same place."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from autograder import gradebook
from autograder.gradebook import (
    GRADEBOOK_URL_FILE,
    configured_gradebook_url,
    gradebook_location,
    gradebook_url,
)
from autograder.nbgrader_setup import nbgrader_config
from autograder.release import _source_digest


def name_database(course: Path, text: str) -> None:
    (course / GRADEBOOK_URL_FILE).parent.mkdir(parents=True, exist_ok=True)
    (course / GRADEBOOK_URL_FILE).write_text(text)


def test_is_the_gradebook_sqlites_file_at_the_root_when_the_course_names_no_database(tmp_path):
    assert configured_gradebook_url(tmp_path) is None
    url = make_url(gradebook_url(tmp_path))
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(tmp_path.resolve() / "gradebook.db")
    assert url.query["timeout"] == f"{gradebook.GRADEBOOK_WAIT_SECONDS:g}"
    assert gradebook_location(tmp_path) == "gradebook.db"


def test_does_a_file_of_comments_only_leave_the_gradebook_in_sqlite(tmp_path):
    name_database(tmp_path, "# postgresql://grader@db.example.org/course\n\n")
    assert make_url(gradebook_url(tmp_path)).get_backend_name() == "sqlite"


def test_does_a_postgresql_url_get_the_pinned_driver_and_the_writers_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(gradebook, "GRADEBOOK_WAIT_SECONDS", 7)
    name_database(
        tmp_path, "# the shared gradebook\npostgresql://grader:s3cret@db.example.org/c\n"
    )
    url = make_url(gradebook_url(tmp_path))
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.database) == (
        "grader",
        "s3cret",
        "db.example.org",
        "c",
    )
    assert url.query["options"] == "-c lock_timeout=7s"


def test_does_a_url_that_sets_its_own_session_options_keep_them(tmp_path):
    name_database(tmp_path, "postgresql+psycopg://grader@/c?host=/run/pg&options=-c%20x%3D1\n")
    url = make_url(gradebook_url(tmp_path))
    assert url.query == {"host": "/run/pg", "options": "-c x=1"}


def test_is_the_password_out_of_what_the_instructor_is_shown(tmp_path):
    name_database(tmp_path, "postgresql://grader:s3cret@db.example.org/course\n")
    assert "s3cret" not in gradebook_location(tmp_path)
    assert "db.example.org/course" in gradebook_location(tmp_path)


def test_do_nbgrader_and_formgrader_get_the_gradebook_from_the_same_place(tmp_path):
    """nbgrader_config.py and `python -m autograder` both configure nbgrader with
    nbgrader_setup.configure_nbgrader: its db_url is gradebook_url's, file or no file."""
    assert nbgrader_config(tmp_path).CourseDirectory.db_url == gradebook_url(tmp_path)
    name_database(tmp_path, "postgresql://grader@db.example.org/course\n")
    assert nbgrader_config(tmp_path).CourseDirectory.db_url == gradebook_url(tmp_path)
    assert gradebook_url(tmp_path).startswith("postgresql+psycopg://")


def test_does_a_course_that_moves_to_another_gradebook_enter_its_assignments_there(tmp_path):
    """What the course remembers entering in its gradebook (gradebook.sources.json) holds for
    that gradebook only."""
    (tmp_path / "solutions" / "gradients").mkdir(parents=True)
    (tmp_path / "solutions" / "gradients" / "gradients.ipynb").write_text("{}")
    in_sqlite = _source_digest(tmp_path, "gradients")
    name_database(tmp_path, "postgresql://grader@db.example.org/course\n")
    assert _source_digest(tmp_path, "gradients") != in_sqlite


def test_does_the_cli_say_so_when_the_gradebooks_server_cannot_be_reached(tmp_path, capsys):
    """No server listens at the named socket: grading starts nothing and the sheet is not
    written, with the reason and what to do (exit code 5), not a traceback."""
    import shutil

    from grading_support import ROOT

    from autograder.__main__ import main

    shutil.copytree(ROOT / "solutions" / "gradients", tmp_path / "solutions" / "gradients")
    (tmp_path / "submitted" / "ada" / "gradients").mkdir(parents=True)
    name_database(tmp_path, f"postgresql://grader:s3cret@/course?host={tmp_path}\n")
    for command in (["export"], ["grade", "gradients", "--no-isolation"]):
        assert main(["--root", str(tmp_path), *command]) == 5
        said = capsys.readouterr().err
        assert said.startswith("stopped: the gradebook (postgresql+psycopg://grader:***@/course")
        assert "run the same command again once it can" in said
        assert "s3cret" not in said
    assert not (tmp_path / "grades.csv").exists()
    assert not (tmp_path / "gradebook.db").exists()
