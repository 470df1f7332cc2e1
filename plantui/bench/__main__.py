"""``python -m plantui.bench``: see :mod:`plantui.bench.run` and docs/benchmark.md."""

import sys

from .run import main

sys.exit(main())
