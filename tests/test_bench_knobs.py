"""Issue 19, the capacity run: `make bench` at a million accounts beside the default run, in its
own databases, with only the sizes and jobs asked for; the default run stays as it was."""

import importlib

import pytest

from bench import jobs, seed_sql


@pytest.fixture
def run(monkeypatch):
    def load(**environment):
        for name in ("BENCH_DB_PREFIX", "BENCH_SIZES", "BENCH_JOBS", "BENCH_LARGE", "BENCH_OUT"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        import bench.run

        return importlib.reload(bench.run)
    yield load
    monkeypatch.undo()
    import bench.run

    importlib.reload(bench.run)  # the module as the environment left it, for anything after


def test_by_default_both_sets_every_job_and_the_usual_databases(run):
    module = run()
    assert module.chosen_sizes() == {"small": 1000, "large": 100000}
    assert module.chosen_jobs() is None
    assert module.PREFIX == "kam_bench_"
    assert module.OUT == module.VAR / "results.json"


def test_a_million_accounts_in_their_own_database_without_the_small_set(run):
    module = run(BENCH_DB_PREFIX="kam_capacity_", BENCH_SIZES="large", BENCH_LARGE="1000000",
                 BENCH_JOBS="tier_evaluate, care.tasks.birthday_tasks_generate")
    assert module.chosen_sizes() == {"large": 1000000}
    assert module.chosen_jobs() == ["tier_evaluate", "care.tasks.birthday_tasks_generate"]
    assert f"{module.PREFIX}large" == "kam_capacity_large"


def test_no_jobs_and_no_unknown_sizes(run):
    assert run(BENCH_JOBS="0").chosen_jobs() == []
    with pytest.raises(SystemExit):
        run(BENCH_SIZES="huge").chosen_sizes()


def test_a_job_is_named_in_full_or_by_its_last_part():
    assert jobs._named("tiering.tasks.tier_evaluate", "tier_evaluate")
    assert jobs._named("tiering.tasks.tier_evaluate", "tiering.tasks.tier_evaluate")
    assert not jobs._named("tiering.tasks.tier_reviews_open", "tier_evaluate")


def test_names_keep_their_width_up_to_100k_and_stay_distinct_at_a_million():
    assert seed_sql.shape(100000)["account_digits"] == 6
    assert seed_sql.shape(100000)["team_digits"] == 3
    million = seed_sql.shape(1000000)
    assert million["account_digits"] == 7
    assert (million["managers"], million["teams"], million["contacts"], million["visits"]) == (
        4505, 901, 10000000, 30000000)
