"""Forms of the result-entry screens: Thai numbers and dates, the result form per input kind, milestone rows,
the sub-unit breakdown formset and the evidence upload (DOMAIN.md §3.3, §3.8, §4.c, §6.1), and the value rules the
form shares with the live score preview (rules.py).

Forms only validate and normalise; every write goes through indicators.services.results. The package is split by
sub-domain (STYLE.md: modules past ~400 lines); this module re-exports the public names so imports keep working.
"""

from indicators.forms.evidence import EvidenceUploadForm
from indicators.forms.fields import (
    STORED_DECIMAL_PLACES,
    STORED_MAX_DIGITS,
    NarrativeField,
    NumberFormatError,
    ThaiDateField,
    ThaiDateInput,
    ThaiDecimalField,
    narrative_field,
    normalise_number,
    not_in_future,
    plain_problem,
    show_number,
)
from indicators.forms.milestones import MilestoneStepForm, Step, milestone_forms, milestone_steps
from indicators.forms.result import (
    MODE_BREAKDOWN,
    MODE_RATIO,
    MODE_VALUE,
    NARRATIVE_FIELDS,
    EntryShape,
    ResultForm,
    entry_shape,
    initial_mode,
    result_initial,
)
from indicators.forms.rules import apply_mode, as_of_date_problem, check_values, entry_fields
from indicators.forms.sub_units import BaseSubUnitFormSet, SubUnitFormSet, SubUnitRowForm, sub_unit_initial

__all__ = [
    "MODE_BREAKDOWN",
    "MODE_RATIO",
    "MODE_VALUE",
    "NARRATIVE_FIELDS",
    "STORED_DECIMAL_PLACES",
    "STORED_MAX_DIGITS",
    "BaseSubUnitFormSet",
    "EntryShape",
    "EvidenceUploadForm",
    "MilestoneStepForm",
    "NarrativeField",
    "NumberFormatError",
    "ResultForm",
    "Step",
    "SubUnitFormSet",
    "SubUnitRowForm",
    "ThaiDateField",
    "ThaiDateInput",
    "ThaiDecimalField",
    "apply_mode",
    "as_of_date_problem",
    "check_values",
    "entry_fields",
    "entry_shape",
    "initial_mode",
    "milestone_forms",
    "milestone_steps",
    "narrative_field",
    "normalise_number",
    "not_in_future",
    "plain_problem",
    "result_initial",
    "show_number",
    "sub_unit_initial",
]
