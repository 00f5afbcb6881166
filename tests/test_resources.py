"""Resources: every folder the package needs resolves to a folder with files in it."""

from __future__ import annotations

import pytest

from ipexkg import resources


@pytest.mark.parametrize(
    "getter", ["data_dir", "hpo_data_dir", "shapes_dir", "query_dir"], ids=lambda g: g
)
def test_folders_exist_and_have_files(getter: str) -> None:
    folder = getattr(resources, getter)()
    assert folder.is_dir(), folder
    assert any(p.is_file() for p in folder.rglob("*")), folder


@pytest.mark.parametrize(
    "getter", ["ontology_path", "biolink_prefix_map_path", "extra_prefixes_path"], ids=lambda g: g
)
def test_files_exist(getter: str) -> None:
    assert getattr(resources, getter)().is_file()


def test_unknown_folder_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        resources.top_level_dir("nope")
