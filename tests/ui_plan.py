"""The small plan the UI tests and snapshots share, and the clock they run at."""

from datetime import datetime

NOW = datetime(2026, 1, 5, 14, 2, 11)

PLAN = """\
# Payments Service — Implementation Plan

**Status:** In Progress
**Progress:** 3/12 tasks complete
**Last Updated:** 2026-01-04

## Phase 1: Foundations

- [x] **1.1** Create the repository layout
- [x] **1.2** Configure CI and linting
- [x] **1.3** Add the settings loader

## Phase 2: Core

- [x] **2.1** Implement data models
- [/] **2.2** Build the ledger service
  - [x] **2.2.1** Post a transaction
  - [ ] **2.2.2** Reverse a transaction
- [ ] **2.3** Create the database layer
- [~] **2.4** Port the legacy importer

### Checkpoint: Core ready

- [ ] All unit tests passing
- [ ] Ledger reviewed

## Phase 3: API

**Depends on:** Phase 2

- [ ] **3.1** Implement API endpoints
- [ ] **3.2** Add the CLI commands
"""
