"""`bs_widget`, the tag every form renders its fields with: the `required` attribute goes
where the browser can honour it, and never on each box of a checkbox group (the browser would
refuse to submit until every box is ticked)."""

import re

from django import forms

from ltc.templatetags.ltc_ui import bs_widget


class Sample(forms.Form):
    name = forms.CharField()
    signers = forms.MultipleChoiceField(
        choices=[("manager", "Manager"), ("finance", "Finance")],
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    note = forms.CharField(required=False)
    agree = forms.BooleanField()  # e.g. "I accept the terms"


def _inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*>", html)


def test_a_required_text_field_is_marked_required_and_an_optional_one_is_not():
    form = Sample()
    assert " required" in bs_widget(form["name"])
    assert " required" not in bs_widget(form["note"])


def test_no_box_of_a_required_checkbox_group_is_marked_required():
    boxes = _inputs(bs_widget(Sample(initial={"signers": ["manager"]})["signers"]))
    assert len(boxes) == 2
    assert not any(" required" in box for box in boxes)


def test_a_required_radio_group_and_a_required_single_checkbox_are_marked_required():
    form = Sample()
    radios = _inputs(bs_widget(form["kind"]))
    assert len(radios) == 2 and all(" required" in radio for radio in radios)
    assert " required" in bs_widget(form["agree"])  # a box that must be ticked
