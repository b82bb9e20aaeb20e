"""The pip-installed tool works outside this repository: the default theme ships in the wheel."""
import os
import subprocess
import sys
import venv
import zipfile

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
    # A venv that sees the already-installed dependencies but not this checkout.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
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
