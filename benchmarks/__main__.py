"""``python -m benchmarks``: see :mod:`benchmarks.run` and docs/benchmark.md."""

import sys

from .run import main

sys.exit(main())
