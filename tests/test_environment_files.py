"""environment.yml (students' compute instances, the Azure training image) and the endpoint's
conda file pin exactly the locked versions; the Azure images are pinned by tag; the notebooks
ask for the kernel the set-up instructions install."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from coursekit.azure import specs
from coursekit.release import student_readme
from scripts.envlock import conda, lockfile, project

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "coursekit"


def _conda_pins(path: Path) -> tuple[list, dict[str, str]]:
    env = yaml.safe_load(path.read_text())
    plain = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9][0-9A-Za-z.+!-]*", line) for line in pip), "every package pinned =="
    return plain, dict(line.split("==") for line in pip)


@pytest.mark.parametrize("generated", conda.CONDA_FILES, ids=lambda c: c.path.name)
def test_conda_files_pin_exactly_the_locked_versions(generated):
    plain, pins = _conda_pins(generated.path)
    assert plain == [f"python={project.CPU_PYTHON}", "pip"]
    locked = project.pins_for(lockfile.read_lock(generated.lock), project.linux_environment(project.CPU_PYTHON))
    assert pins == {name: pin.version for name, pin in locked.items()}


def test_environment_yml_is_the_whole_cuda_lock_with_torch_and_its_nvidia_libraries():
    _, pins = _conda_pins(conda.ENVIRONMENT_FILE)
    cuda = project.pins_for(lockfile.read_lock(lockfile.CUDA_LOCK), project.linux_environment("3.11"))
    assert pins["torch"] == cuda["torch"].version and "+" not in pins["torch"]
    assert any(name.startswith("nvidia-") for name in pins)
    for req in project.requirements():  # every dependency of coursekit[all], at a version pyproject admits
        if project.applies(req.marker, project.linux_environment("3.11")):
            assert req.specifier.contains(pins[lockfile.canonical(req.name)], prereleases=True), req


def test_endpoint_conda_file_has_no_torch():
    _, pins = _conda_pins(conda.ENDPOINT_CONDA_FILE)
    assert not {"torch", "transformers"} & set(pins) and {"onnxruntime", "tokenizers", "gunicorn"} <= set(pins)


@pytest.mark.parametrize("image", [specs.TRAIN_IMAGE, specs.ENDPOINT_IMAGE])
def test_azure_images_are_pinned_by_version(image):
    repository, _, tag = image.rpartition(":")
    assert repository.startswith("mcr.microsoft.com/azureml/") and "/" not in tag
    assert re.fullmatch(r"\d{8}\.v\d+|\d+", tag), f"{image}: a dated or numbered tag, not {tag!r}"


@pytest.mark.parametrize("name, image", [("environment-train.yml", specs.TRAIN_IMAGE),
                                         ("environment-endpoint.yml", specs.ENDPOINT_IMAGE)])
def test_azure_environments_use_the_pinned_images_and_generated_conda_files(name, image):
    env = yaml.safe_load((ROOT / "azureml" / name).read_text())
    assert env["image"] == image and ":latest" not in (ROOT / "azureml" / name).read_text()
    assert (ROOT / "azureml" / env["conda_file"]).resolve() in {c.path.resolve() for c in conda.CONDA_FILES}


def test_notebooks_open_with_the_kernel_the_setup_installs():
    install = f"python -m ipykernel install --user --name {KERNEL} "
    assert install in (ROOT / "README.md").read_text() and install in conda.ENVIRONMENT_FILE.read_text()
    assert install in student_readme([], {})
    assert f"ipykernel install --sys-prefix --name {KERNEL} " in (ROOT / "Makefile").read_text()
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 4
    for path in notebooks:
        spec = json.loads(path.read_text())["metadata"]["kernelspec"]
        assert spec == {"name": KERNEL, "display_name": "Python (coursekit)", "language": "python"}, path.name


def test_ci_runs_notebooks_in_its_own_venv_whatever_kernel_they_name():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^NBVAL := .*--nbval-current-env", makefile, re.M)
