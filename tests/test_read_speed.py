"""The shortcuts the reading of a plan takes say what the full readings say."""

from plantui.markdown import nonbox
from plantui.names import name_of


def test_a_checklist_title_is_told_as_the_regex_tells_it():
    titles = [
        "Validation Checklist", "## Final Checklist", "Acceptance Criteria", "Success  criteria", "QA checklist ✅",
        "Tasks", "Phase 3: Setup", "Check**list**", "**Acceptance** Crit__eria", "1. Release checklist",
        "checkliſt", "Chec\u212alist", "Criteria for release", "Pre-merge checklist", "Test plan", "", "   ",
        "Checklists", "Review checklist (draft)", "_Testing_ checklist",
    ]
    for title in titles:
        assert nonbox._is_checklist(title) == bool(nonbox._CHECKLIST_RE.match(name_of(title))), title
