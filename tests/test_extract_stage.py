"""The extract stage: which extractor serves a source (declared in the registry), and the
extraction cache."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.extract.stage import ExtractJob, plan_jobs, run_extract
from pipeline.workspace import Archive
from pipeline.workspace.registry import DEFAULT_REGISTRY, declared_extractors, load_registry


def registry_copy(tmp_path: Path, source_id: str, extractor: str) -> Path:
    """The bundled registry with one source's ``extractor`` replaced."""
    text = DEFAULT_REGISTRY.read_text(encoding="utf-8")
    block = re.compile(rf'(source_id = "{source_id}"\nkind = "[a-z]+"\nextractor = )"[^"]*"')
    edited, n = block.subn(rf'\1"{extractor}"', text)
    assert n == 1, f"{source_id} not found in the registry"
    path = tmp_path / "sources.toml"
    path.write_text(edited, encoding="utf-8")
    return path


# --- the extractor is declared in the registry ------------------------------------------------


def test_every_registered_source_names_an_extractor_with_an_extract_function(
    repo_raw: Path,
) -> None:
    sources = load_registry(repo_raw)
    assert sources and all(s.extractor for s in sources)
    for source in sources:
        module = importlib.import_module(source.extractor_module)
        assert callable(module.extract), source.source_id
    kinds = {s.extractor for s in sources if s.kind == "transcription"}
    assert kinds == {"manual"}


def test_declared_extractors_match_the_loaded_registry(repo_raw: Path) -> None:
    loaded = {s.source_id: s.extractor_module for s in load_registry(repo_raw)}
    assert declared_extractors() == loaded


def test_a_registry_naming_a_missing_extractor_fails_when_read(
    repo_raw: Path, tmp_path: Path
) -> None:
    registry = registry_copy(tmp_path, "cao_wg6_material", "cao_wg6_materials")
    with pytest.raises(PipelineError, match=r"'cao_wg6_material' names extractor "
                       r"'cao_wg6_materials'.*pipeline/extract/cao_wg6_materials\.py"):
        load_registry(repo_raw, registry)
    with pytest.raises(PipelineError, match="cao_wg6_materials"):
        declared_extractors(registry)


def test_plan_jobs_uses_the_registry_and_attachments_go_with_their_parent(
    fixture_build: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, _ = fixture_build
    jobs = {j.source_id: j for j in plan_jobs(Archive(raw))}
    release = jobs["meti_smc_release"]
    assert release.module == "pipeline.extract.meti_smc_release"
    assert len(release.member_source_ids) > 1
    assert not any(sid in jobs for sid in release.member_source_ids[1:])
    assert jobs["manual_energy_demo_2010"].module == "pipeline.extract.manual"

    registry = registry_copy(tmp_path, "mlit_smc_meti_list", "mlit_smc_model_list")
    jobs = {j.source_id: j for j in plan_jobs(Archive(raw, registry))}
    assert jobs["mlit_smc_meti_list"].module == "pipeline.extract.mlit_smc_model_list"


def test_an_extractor_that_does_not_exist_fails_its_source_only(tmp_path: Path) -> None:
    good = tmp_path / "doc.txt"
    good.write_text("no programmes here", encoding="utf-8")
    jobs = [
        ExtractJob("ghost", "pipeline.extract.no_such_extractor", [good], ["0" * 64]),
        ExtractJob("no_extract", "pipeline.extract.result", [good], ["0" * 64]),
    ]
    result = run_extract(jobs, tmp_path / "cache", "code", workers=1)
    assert "does not exist" in str(result.errors["ghost"])
    assert "pipeline.extract.no_such_extractor" in str(result.errors["ghost"])
    assert "has no extract(source_id, files)" in str(result.errors["no_extract"])


def test_debug_draws_the_marks_of_the_registered_extractor(tmp_path: Path) -> None:
    from pipeline import debug
    from pipeline.extract import cao_wg6_material, smc_lists

    assert debug._marks_function("mlit_smc_model_list") is smc_lists.debug_marks
    assert debug._marks_function("manual_energy_demo_2010") is None  # manual has no marks
    registry = registry_copy(tmp_path, "mlit_smc_model_list", "cao_wg6_material")
    assert debug._marks_function("mlit_smc_model_list", registry) is cao_wg6_material.debug_marks
