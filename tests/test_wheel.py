"""The pip-installed tool works outside this repository: the default theme ships in the wheel."""
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_carries_the_theme_and_builds_a_course_anywhere(make_course, tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    [wheel] = wheels.glob("courseforge-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("courseforge/themes/default/templates/index.html", "courseforge/themes/default/runtime/player.js",
                   "courseforge/schemas/scorm12/adlcp_rootv1p2.xsd", "courseforge/scaffold/course/AUTHORING.md",
                   "courseforge/preview/standin/index.html", "courseforge/preview/standin/lms.js",
                   "courseforge/scaffold/course/content/course.yml", "courseforge/scaffold/course/gitignore",
                   "courseforge/examples/empathy/course.yml", "courseforge/examples/empathy/images/checklist.svg"):
        assert needed in names
    env_dir = tmp_path / "venv"
    python = _venv_seeing_our_dependencies(env_dir)
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "-q", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True)
    folder = make_course(root=tmp_path / "elsewhere")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([env_dir / "bin" / "courseforge", "build"], cwd=folder, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    where = subprocess.run([python, "-c", "import courseforge; print(courseforge.__file__)"], cwd=folder,
                           env=env, capture_output=True, text=True).stdout
    assert str(REPO) not in where
    assert zipfile.is_zipfile(folder / "build" / "tiny-course-scorm12.zip")
    for args in (["new", "starter"], ["new", "copy", "--example", "empathy"]):
        made = subprocess.run([env_dir / "bin" / "courseforge", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
    assert (tmp_path / "starter" / "content" / "lessons" / "02-listening.md").is_file()
    assert (tmp_path / "copy" / "content" / "course.yml").read_bytes() == (REPO / "content" / "course.yml").read_bytes()


def _venv_seeing_our_dependencies(env_dir) -> "os.PathLike":
    """A venv with pip that sees the running interpreter's installed packages but not this checkout.
    `system_site_packages` would not do: when the tests run in a venv, it exposes the base Python's
    packages, not the venv's. A plain path line in a .pth file adds those folders without running
    their own .pth files, so the editable install of this checkout stays out."""
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    inner = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           check=True, capture_output=True, text=True).stdout.strip()
    outer = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"]])
    (Path(inner) / "outer-packages.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    return python
