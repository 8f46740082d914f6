"""From a chapter to its exercise in one click: the ``exercise`` directive.

At the end of a chapter's Exercise section::

    ```{exercise} momentum
    ```

renders a box with

* a download of ``<exercise>.zip``: one folder holding the released student notebook
  ``exercises/<exercise>/<exercise>.ipynb``, the course's helper package (``student/optlab``,
  so the notebook imports it from its own folder) and a README.txt saying how to open it and
  which packages it needs (read from ``student/pyproject.toml``);
* a download of the bare notebook, for students who installed ``optlab``;
* launch buttons (Binder, JupyterHub through nbgitpuller, Colab) for the notebook in the
  course's repository, built from Jupyter Book's own keys in ``_config.yml``
  (``repository: url / branch / path_to_book`` and ``launch_buttons: binderhub_url /
  jupyterhub_url / colab_url / notebook_interface``). A button whose address is not
  configured is left out; with none configured, the box shows the downloads only.

The archive leaves out the modules of the package that the exercise's grader makes
unavailable, because the exercise asks the student to write them: the table of chapters
(``optlab.chapters``, each chapter's ``blocked``) names them. An exercise that is not a chapter
of that table is an error of the build.

The archives are written at every build, from the current ``exercises/`` and ``student/``,
into ``_downloads/exercises/`` of the HTML output, byte for byte the same for the same inputs
(fixed timestamps and permissions, sorted entries). Nothing else of the repository is read.

The chapter pages themselves cannot run outside the course's environment (they import the
hidden references), so the theme's own launch buttons, which would open each chapter page,
are switched off: the launch providers are taken out of ``html_theme_options`` here, and
only the exercises get launch buttons.
"""

from __future__ import annotations

import os
import posixpath
import re
import textwrap
import time
import tomllib
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from optlab import chapters as table

logger = logging.getLogger(__name__)

# Where the archives go, under the HTML output's _downloads (Sphinx's own download folders
# are named by 32-digit hashes, so this name cannot collide with them).
ARCHIVE_FOLDER = "exercises"
# Jupyter Book's default repository.url, used when _config.yml names none: not the course's.
JUPYTER_BOOK_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"
PROVIDER_KEYS = ("binderhub_url", "jupyterhub_url", "colab_url")
INTERFACES = ("classic", "jupyterlab")
EXERCISE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


# --- launch URLs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Repository:
    url: str  # https://github.com/org/name, without a trailing slash or .git
    provider: str  # "github", "gitlab" or "git" (any other host)
    owner: str  # org, or group/subgroup on GitLab
    name: str


def parse_repository(url: str) -> Repository | None:
    """The parts of a repository's web address; None if it is not one (or not configured)."""
    url = (url or "").strip()
    if not url or url.rstrip("/") == JUPYTER_BOOK_DEFAULT_REPOSITORY:
        return None
    parts = urlsplit(url)
    path = parts.path.strip("/")
    path = path[:-4] if path.endswith(".git") else path
    segments = path.split("/")
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or len(segments) < 2
        or not all(segments)
    ):
        return None
    host = parts.netloc.lower()
    provider = {"github.com": "github", "www.github.com": "github", "gitlab.com": "gitlab"}.get(
        host, "git"
    )
    return Repository(
        url=f"{parts.scheme}://{parts.netloc}/{path}",
        provider=provider,
        owner="/".join(segments[:-1]),
        name=segments[-1],
    )


@dataclass(frozen=True)
class LaunchSettings:
    """Where the launch buttons lead: Jupyter Book's ``repository`` and ``launch_buttons`` keys."""

    repository_url: str = ""
    branch: str = ""
    path_to_book: str = ""
    binderhub_url: str = ""
    jupyterhub_url: str = ""
    colab_url: str = ""
    notebook_interface: str = "classic"

    @classmethod
    def from_theme_options(cls, options: Mapping) -> LaunchSettings:
        """Read the settings from ``html_theme_options`` as Jupyter Book fills it from
        _config.yml."""
        launch = options.get("launch_buttons") or {}

        def text(value) -> str:
            return str(value or "").strip()

        return cls(
            repository_url=text(options.get("repository_url")),
            branch=text(options.get("repository_branch")),
            path_to_book=text(options.get("path_to_docs")),
            **{key: text(launch.get(key)) for key in PROVIDER_KEYS},
            notebook_interface=text(launch.get("notebook_interface")) or "classic",
        )

    @property
    def repository(self) -> Repository | None:
        return parse_repository(self.repository_url)

    def problems(self) -> list[str]:
        """What keeps a configured button from being shown, in words for the build log."""
        wanted = [key for key in PROVIDER_KEYS if getattr(self, key)]
        if not wanted:
            return []
        keys = ", ".join(f"launch_buttons.{key}" for key in wanted)
        if self.repository is None:
            if (
                not self.repository_url
                or self.repository_url.rstrip("/") == JUPYTER_BOOK_DEFAULT_REPOSITORY
            ):
                return [
                    f"{keys} set, but repository.url names no repository of the course: "
                    "the exercises get no launch buttons"
                ]
            return [
                f"repository.url {self.repository_url!r} is not a repository's address "
                "(https://host/owner/name): the exercises get no launch buttons"
            ]
        found = []
        if self.colab_url and self.repository.provider != "github":
            found.append(
                f"launch_buttons.colab_url set, but Colab opens notebooks from GitHub only, "
                f"not {self.repository_url}: no Colab button"
            )
        if self.notebook_interface not in INTERFACES:
            found.append(
                f"launch_buttons.notebook_interface is {self.notebook_interface!r}, "
                f"not one of {', '.join(INTERFACES)}: classic is used"
            )
        return found


def launch_urls(settings: LaunchSettings, path: str) -> dict[str, str]:
    """The launch buttons for the file ``path`` (relative to the book's folder in the repository):
    {"Binder": url, "JupyterHub": url, "Colab": url}, each only when configured (and possible)."""
    repo = settings.repository
    if repo is None:
        return {}
    branch = settings.branch or "main"
    path = (
        posixpath.join(settings.path_to_book.strip("/"), path)
        if settings.path_to_book.strip("/")
        else path
    )
    lab = settings.notebook_interface == "jupyterlab"
    urls = {}
    if settings.binderhub_url:
        ref = quote(branch, safe="")
        spec = {
            "github": f"gh/{repo.owner}/{repo.name}/{ref}",
            "gitlab": f"gl/{quote(f'{repo.owner}/{repo.name}', safe='')}/{ref}",
        }.get(repo.provider, f"git/{quote(repo.url, safe='')}/{ref}")
        query = urlencode({"labpath": path} if lab else {"urlpath": f"tree/{path}"})
        urls["Binder"] = f"{settings.binderhub_url.rstrip('/')}/v2/{spec}?{query}"
    if settings.jupyterhub_url:
        # nbgitpuller clones the repository into a folder of its name, then opens the file.
        query = urlencode(
            {
                "repo": repo.url,
                "branch": branch,
                "urlpath": f"{'lab/tree' if lab else 'tree'}/{repo.name}/{path}",
            }
        )
        urls["JupyterHub"] = (
            f"{settings.jupyterhub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"
        )
    if settings.colab_url and repo.provider == "github":
        urls["Colab"] = (
            f"{settings.colab_url.rstrip('/')}/github/{repo.owner}/{repo.name}/blob/"
            f"{quote(branch, safe='/')}/{quote(path)}"
        )
    return urls


def package_install_spec(settings: LaunchSettings, project_dir: str, package: str) -> str | None:
    """``pip install`` argument for the course's package straight from the repository (for Colab,
    which has the notebook but not the package); None without a repository."""
    repo = settings.repository
    if repo is None:
        return None
    subdirectory = posixpath.join(settings.path_to_book.strip("/"), project_dir).strip("/")
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    return f"{package} @ git+{repo.url}.git@{settings.branch or 'main'}{fragment}"


# --- the archive -----------------------------------------------------------------------


@dataclass(frozen=True)
class PackageInfo:
    """The course's helper package: its folder, and what its pyproject.toml says it needs."""

    folder: Path
    requirements: tuple[str, ...]
    python: str
    distribution: str = ""  # the name pip knows it by

    @property
    def name(self) -> str:
        return self.folder.name

    @classmethod
    def read(cls, folder: Path) -> PackageInfo:
        pyproject = folder.parent / "pyproject.toml"
        project = (
            tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            if pyproject.is_file()
            else {}
        )
        return cls(
            folder=folder,
            requirements=tuple(project.get("dependencies", ())),
            python=str(project.get("requires-python", "")),
            distribution=str(project.get("name", "")),
        )

    def files(self, without: tuple[str, ...] = ()) -> list[Path]:
        """The package's files (no caches, no hidden files), sorted; ``without`` names modules
        (``optlab.optimize``) to leave out."""
        left_out = {module_file(self.folder, module) for module in without}
        return sorted(
            path
            for path in self.folder.rglob("*")
            if path.is_file()
            and path not in left_out
            and not any(
                part == "__pycache__" or part.startswith(".")
                for part in path.relative_to(self.folder).parts
            )
            and path.suffix not in {".pyc", ".pyo"}
        )


def module_file(folder: Path, module: str) -> Path:
    """The file of ``package.sub.module`` inside the package's folder."""
    return folder.joinpath(*module.split(".")[1:]).with_suffix(".py")


def _python_version_words(spec: str) -> str:
    match = re.fullmatch(r"\s*>=\s*(\d+(?:\.\d+)*)\s*", spec or "")
    return (
        f"Python {match[1]} or newer"
        if match
        else (f"Python {spec.strip()}" if spec.strip() else "Python 3")
    )


def shell_word(word: str) -> str:
    """``word`` quoted for a shell command when it needs it."""
    return word if re.fullmatch(r"[A-Za-z0-9._-]+", word) else f'"{word}"'


def readme_paragraph(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    """``text`` as the lines of a README.txt paragraph, at most 78 characters wide."""
    return textwrap.wrap(
        text,
        78,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )


def readme_text(
    exercise: str, title: str, project: str, package: PackageInfo, without: tuple[str, ...]
) -> str:
    """The archive's README.txt (lines of at most 78 characters, commands apart)."""
    notebook = f"{exercise}.ipynb"
    requirements = list(package.requirements)
    listed = (
        ", ".join(requirements[:-1]) + " and " + requirements[-1]
        if len(requirements) > 1
        else "".join(requirements)
    )

    paragraph = readme_paragraph
    width = max(len(notebook), len(package.name) + 1, len("README.txt")) + 3
    lines = [title, "=" * len(title), ""]
    lines += paragraph(
        (f'An exercise of the course "{project}". ' if project else "")
        + "This folder holds everything it needs:"
    )
    lines += [
        "",
        f"  {notebook:<{width}}the exercise: write the functions marked YOUR CODE HERE",
        f"  {package.name + '/':<{width}}the course's helper package, which the notebook imports",
        f"  {'README.txt':<{width}}this file",
        "",
        "What you need",
        "-------------",
        "",
    ]
    lines += paragraph(
        f"{_python_version_words(package.python)}, Jupyter, and the packages {package.name} "
        f"imports" + (f": {listed}." if listed else ".") + " To install them all (in a virtual "
        "environment if you like):"
    )
    lines += [
        "",
        "    python -m pip install "
        + " ".join(shell_word(word) for word in ["jupyter", *requirements]),
        "",
        "How to work on it",
        "-----------------",
        "",
    ]
    lines += paragraph("1. Unzip the archive and open a terminal in this folder.", hanging="   ")
    lines += paragraph("2. Start Jupyter here:", hanging="   ") + [
        "",
        f"       jupyter notebook {notebook}",
        "",
    ]
    lines += paragraph(
        f"(or `jupyter lab`). Start it in this folder: the notebook imports {package.name} from "
        f"the folder it sits in, so {package.name} needs no installing, and this copy is the one "
        f"used even where {package.name} is installed.",
        "   ",
    )
    lines += paragraph(
        "3. Run the cells from the top. Each function has visible tests right below it; run them "
        "as often as you like.",
        hanging="   ",
    )
    lines += paragraph(
        f"4. Hand in {notebook} (the notebook only, under this name) as your course asks. Do not "
        f"change {package.name}: grading uses the course's own copy.",
        hanging="   ",
    )
    if without:
        lines += [""] + paragraph(
            f"Left out of {package.name} here: {', '.join(without)}. This exercise asks "
            "you to write those functions yourself, and they are not available while it "
            "is graded."
        )
    return "\n".join(lines) + "\n"


def notebook_title(notebook: Path, fallback: str) -> str:
    """The first heading of the notebook's first markdown cell."""
    import json

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return fallback
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            for line in source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip() or fallback
            break
    return fallback


def _zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """A fixed timestamp for every entry (SOURCE_DATE_EPOCH when set), so that the same inputs
    give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = time.gmtime(max(int(epoch), 315532800))  # ZIP cannot go before 1980
        return stamp[:6]
    return (1980, 1, 1, 0, 0, 0)


def write_archive(
    target: Path,
    exercise: str,
    notebook: Path,
    package: PackageInfo,
    readme: str,
    without: tuple[str, ...] = (),
) -> bool:
    """Write the exercise's archive (one folder named after the exercise); return whether the file
    changed."""
    files = {f"{exercise}.ipynb": notebook.read_bytes(), "README.txt": readme.encode("utf-8")}
    return write_folder_archive(target, exercise, files, package, without)


def write_folder_archive(
    target: Path,
    folder: str,
    files: dict[str, bytes],
    package: PackageInfo,
    without: tuple[str, ...] = (),
) -> bool:
    """Write an archive of one folder, ``folder``, holding ``files`` (name: bytes) and the
    package but the modules ``without``; return whether the file changed. Entries are sorted,
    with a fixed time and fixed permissions."""
    stamp = _zip_timestamp()
    entries: list[tuple[str, bytes | None]] = [(f"{folder}/", None)]
    entries += [(f"{folder}/{name}", data) for name, data in files.items()]
    folders = set()
    for path in package.files(without):
        relative = path.relative_to(package.folder.parent).as_posix()
        for parent in reversed(Path(relative).parents[:-1]):
            folders.add(f"{folder}/{parent.as_posix()}/")
        entries.append((f"{folder}/{relative}", path.read_bytes()))
    entries += [(folder, None) for folder in folders]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, so that the permissions below are read
            if data is None:
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
    if target.is_file() and target.read_bytes() == partial.read_bytes():
        partial.unlink()
        return False
    partial.replace(target)
    return True


# --- the directive ---------------------------------------------------------------------


class exercise_links(nodes.General, nodes.Element):
    """Placeholder left by the directive, rendered when the page is written (the launch
    buttons and the archive's address depend on the builder and the configuration)."""


def left_out(name: str) -> tuple[str, ...]:
    """The modules the exercise ``name`` leaves out of its archive: those its grader blocks,
    by the table of chapters. KeyError for an exercise the table lacks."""
    return tuple(sorted(table.chapter(name).blocked))


class ExerciseDirective(SphinxDirective):
    """``{exercise} <name>``: the exercise's downloads and launch buttons."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        config = self.config
        if not EXERCISE_NAME.match(name):
            raise self.error(f"not an exercise's name: {name!r}")
        try:
            without = left_out(name)
        except KeyError:
            raise self.error(
                f"exercise {name!r} is not a chapter of the table of chapters "
                f"(CHAPTERS in optlab/chapters.py): add its row there"
            ) from None
        # The page is read again whenever the table changes.
        self.env.note_dependency(table.__file__)
        srcdir = Path(self.env.srcdir)
        notebook = f"{config.exercise_links_exercises}/{name}/{name}.ipynb"
        if not (srcdir / notebook).is_file():
            raise self.error(f"exercise {name!r}: no notebook {notebook}")
        package = srcdir / config.exercise_links_package
        if not package.is_dir():
            raise self.error(
                f"exercise {name!r}: no package folder {config.exercise_links_package}"
            )
        for module in without:
            if module.split(".")[0] != package.name or not module_file(package, module).is_file():
                raise self.error(
                    f"exercise {name!r}: no module {module} in {config.exercise_links_package}"
                )
        node = exercise_links(exercise=name, notebook=notebook, without=without)
        self.set_source_info(node)
        # The bare notebook goes through Sphinx's download machinery (copied into _downloads).
        download = addnodes.download_reference(
            "",
            "",
            nodes.inline("", f"{name}.ipynb"),
            reftarget="/" + notebook,
            refdoc=self.env.docname,
            refexplicit=True,
            classes=["exercise-notebook"],
        )
        node += download
        archives = self.env.__dict__.setdefault("exercise_archives", {})
        archives.setdefault(self.env.docname, {})[name] = without
        return [node]


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "exercise_archives", {}).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    archives = env.__dict__.setdefault("exercise_archives", {})
    archives.update(
        {
            doc: found
            for doc, found in getattr(other, "exercise_archives", {}).items()
            if doc in docnames
        }
    )


def archive_uri(name: str) -> str:
    """The archive's path under _downloads."""
    return f"{ARCHIVE_FOLDER}/{name}.zip"


def _render(app: Sphinx, node: exercise_links, docname: str) -> nodes.Node:
    name = node["exercise"]
    package = Path(app.config.exercise_links_package)
    settings = LaunchSettings(**app.config.exercise_links_launch)
    box = nodes.container(classes=["exercise-links"], ids=[f"exercise-{name}"])
    notebook_link = node.children[0]
    if app.builder.format == "html":
        archive = addnodes.download_reference(
            "",
            "",
            nodes.inline("", f"Download the exercise ({name}.zip)"),
            reftarget=archive_uri(name),
            refexplicit=True,
            classes=["exercise-button", "exercise-archive"],
        )
        archive["filename"] = archive_uri(name)  # written into _downloads by _write_archives
        notebook_link.children = [nodes.inline("", f"Notebook only ({name}.ipynb)")]
        notebook_link["classes"] += ["exercise-button"]
        box += nodes.paragraph(
            "", "", archive, nodes.Text(" "), notebook_link, classes=["exercise-links-downloads"]
        )
        box += nodes.paragraph(
            "",
            "",
            nodes.Text("The archive holds the notebook, the course's package "),
            nodes.literal("", package.name),
            nodes.Text(" and a README.txt: unzip it and run "),
            nodes.literal("", f"jupyter notebook {name}.ipynb"),
            nodes.Text(" in its folder. The notebook alone needs "),
            nodes.literal("", package.name),
            nodes.Text(" in its folder or installed: the course's first page says how."),
            classes=["exercise-links-help"],
        )
    else:
        box += nodes.paragraph(
            "", "", nodes.Text("The exercise notebook: "), notebook_link, nodes.Text(".")
        )
    urls = launch_urls(settings, node["notebook"])
    if urls:
        box += launch_paragraph(urls, "Or open it online: ")
        info = PackageInfo.read(Path(app.srcdir) / package)
        spec = package_install_spec(
            settings, package.parent.as_posix(), info.distribution or info.name
        )
        if "Colab" in urls and spec:
            box += nodes.paragraph(
                "",
                f"Colab opens the notebook without the course's package {package.name}: "
                "run this in a cell of its own first.",
                classes=["exercise-links-note"],
            )
            command = f'%pip install "{spec}"'
            box += nodes.literal_block(command, command, language="text")
    return box


def launch_paragraph(urls: dict[str, str], lead: str) -> nodes.paragraph:
    """``lead``, then a button for each provider of ``urls`` ({label: url})."""
    launch = nodes.paragraph(classes=["exercise-links-launch"])
    launch += nodes.Text(lead)
    for index, (label, url) in enumerate(urls.items()):
        launch += [nodes.Text(" ")] if index else []
        launch += nodes.reference(
            "",
            label,
            refuri=url,
            classes=["exercise-button", "exercise-launch", f"exercise-launch-{label.lower()}"],
        )
    return launch


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(exercise_links)):
        node.replace_self(_render(app, node, docname))


# --- configuration and the build -------------------------------------------------------


def _take_launch_settings(app: Sphinx, config) -> None:
    """Read the launch settings from html_theme_options (where Jupyter Book puts _config.yml's
    ``repository`` and ``launch_buttons``), and take the providers out of the theme's options:
    the theme would put the same buttons on every chapter page, which cannot run outside the
    course (they import the hidden references)."""
    options = dict(config.html_theme_options or {})
    settings = LaunchSettings.from_theme_options(options)
    config.exercise_links_launch = asdict(settings)
    launch = dict(options.get("launch_buttons") or {})
    if any(launch.get(key) for key in PROVIDER_KEYS):
        options["launch_buttons"] = {
            key: value for key, value in launch.items() if key not in PROVIDER_KEYS
        }
        config.html_theme_options = options


def _report_settings(app: Sphinx) -> None:
    for problem in LaunchSettings(**app.config.exercise_links_launch).problems():
        logger.warning(
            f"exercise launch buttons: {problem}", type="exercise_links", subtype="config"
        )


def _static_files(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(Path(__file__).with_name("exercise_links_static")))


def _write_archives(app: Sphinx, exception: Exception | None) -> None:
    if (
        exception is not None
        or app.builder.format != "html"
        or not getattr(app.builder, "download_support", False)
    ):
        return
    wanted: dict[str, tuple[str, ...]] = {
        name: without
        for found in getattr(app.env, "exercise_archives", {}).values()
        for name, without in found.items()
    }
    srcdir = Path(app.srcdir)
    package = PackageInfo.read(srcdir / app.config.exercise_links_package)
    project = app.config.html_title or app.config.project or ""
    downloads = Path(app.outdir, "_downloads")
    for name, without in sorted(wanted.items()):
        notebook = srcdir / app.config.exercise_links_exercises / name / f"{name}.ipynb"
        readme = readme_text(name, notebook_title(notebook, name), project, package, without)
        write_archive(downloads / archive_uri(name), name, notebook, package, readme, without)
    for stale in sorted(
        (downloads / ARCHIVE_FOLDER).glob("*.zip")
    ):  # of exercises no page links any more
        if stale.stem not in wanted:
            stale.unlink()
    logger.info(f"exercise archives: {len(wanted)} written to {downloads / ARCHIVE_FOLDER}")


def setup(app: Sphinx) -> dict:
    # Folders relative to the book's root (the repository's root here).
    app.add_config_value("exercise_links_exercises", "exercises", "env", types=[str])
    app.add_config_value("exercise_links_package", "student/optlab", "env", types=[str])
    # Filled from html_theme_options when the configuration is read.
    app.add_config_value("exercise_links_launch", {}, "html", types=[dict])
    app.add_node(exercise_links)
    app.add_directive("exercise", ExerciseDirective)
    app.add_css_file("exercise_links.css")
    app.connect("config-inited", _take_launch_settings)
    app.connect("builder-inited", _report_settings)
    app.connect("builder-inited", _static_files)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _resolve)
    app.connect("build-finished", _write_archives)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
