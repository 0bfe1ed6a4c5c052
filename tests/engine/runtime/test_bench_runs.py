"""The benchmark still runs its two sides to completion (its timings are never asserted)."""
import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "offer_bench.py"


def test_both_sides_of_the_benchmark_complete_an_offer(uow, database_url):
    # `uow` empties the database first: an earlier test may have left a tampered audit log behind.
    spec = importlib.util.spec_from_file_location("offer_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.run_bare(1) > 0
    assert bench.run_engine(1, database_url) > 0  # asserts internally that the offer completed
