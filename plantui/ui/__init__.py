"""plantui's terminal UI (Textual).  A thin layer: widgets ask the engine."""
