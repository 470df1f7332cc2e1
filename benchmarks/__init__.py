"""plantui's benchmark: how fast the dashboard follows a plan, beside the floor, at 1,000 to 20,000 tasks.

``python -m benchmarks`` (from the repository) prints a table (metric × size:
plantui's median and p95, the floor's median, the ratio, the target) and
writes JSON; see ``docs/benchmark.md`` for what each metric measures.

- :mod:`.generate`: plans shaped like the corpus, of any size;
- :mod:`.floor`: the floor, the least a Textual app can do to follow a plan;
- :mod:`.app`: plantui's dashboard or the floor, measured headless in a child process;
- :mod:`.procs`: whole processes: ``plantui status --json``, a real terminal, openspec;
- :mod:`.run`: the orchestration, the table and the JSON;
- :mod:`.stages`: where the time of one reload goes, step by step.

Not part of the installed package: plantui never imports it.
"""

from .generate import Generated, generate

__all__ = ["Generated", "generate"]
