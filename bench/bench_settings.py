"""Production settings plus the benchmark's baseline endpoint (bench/drf_baseline.py); benchmarks only."""

from advocacy.settings.production import *  # noqa: F403

ROOT_URLCONF = "drf_baseline"
