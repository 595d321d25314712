"""Each report status (and approval state) has a plain-Swedish definition, shown beside its radio."""

import re

from django import forms

from promises.models import ApprovalState, ReportStatus
from promises.report_status import (
    APPROVAL_STATE_DEFINITIONS,
    STATUS_DEFINITIONS,
    ApprovalStateRadioSelect,
    ReportStatusRadioSelect,
)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ReportStatus.choices, widget=ReportStatusRadioSelect)


def test_every_status_and_approval_state_has_a_definition():
    assert set(STATUS_DEFINITIONS) == set(ReportStatus.values)
    assert set(APPROVAL_STATE_DEFINITIONS) == set(ApprovalState.values)
    assert all(
        str(text).strip().endswith(".") for text in [*STATUS_DEFINITIONS.values(), *APPROVAL_STATE_DEFINITIONS.values()]
    )
    assert str(STATUS_DEFINITIONS[ReportStatus.DONE]) == "Genomförd: allt som lovades för året är gjort."


def test_each_radio_has_its_label_and_its_definition_tied_to_it():
    html = str(StatusForm(initial={"status": ReportStatus.DELAYED})["status"])

    for index, (value, label) in enumerate(ReportStatus.choices):
        radio = re.search(rf'<input type="radio" name="status" value="{value}"[^>]*>', html).group(0)
        assert f'id="id_status_{index}"' in radio
        assert f'aria-describedby="id_status_{index}-hint"' in radio
        assert f'<label for="id_status_{index}">{label}</label>' in html
        hint = re.search(rf'<div class="radio-hint" id="id_status_{index}-hint">(.*?)</div>', html).group(1)
        assert hint == str(STATUS_DEFINITIONS[value])
    checked = re.findall(r"<input[^>]*checked[^>]*>", html)
    assert len(checked) == 1 and 'value="delayed"' in checked[0]


def test_the_chosen_status_is_read_back():
    form = StatusForm(data={"status": ReportStatus.PARTLY_DONE})

    assert form.is_valid()
    assert form.cleaned_data["status"] == ReportStatus.PARTLY_DONE


def test_the_radios_work_without_a_definition_and_for_approval_states():
    html = ApprovalStateRadioSelect(choices=[("", "---------"), *ApprovalState.choices]).render("state", "draft")

    assert '<input type="radio" name="state" value=""' in html
    assert "Ingen har godkänt den här versionen ännu." in html
    assert html.count('class="radio-hint"') == len(ApprovalState.choices)


def test_markup_meets_the_admins_csp():
    # No style attribute and no script: the admin's Content-Security-Policy allows neither.
    html = str(StatusForm()["status"])

    assert "style=" not in html and "<script" not in html
