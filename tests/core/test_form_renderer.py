"""The portal's form renderer writes a <select> exactly as Django's does, in Python instead of an include
per option (core/forms_renderer.py): same HTML for plain, grouped, selected and multiple selects."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.forms_renderer import PortalFormRenderer

CHOICES = [("", "---------"), ("340302", "龙子湖区"), ("340303", '蚌山区 "东" & <西>'),
           ("街道", [("340302001", "东风街道"), ("340302002", "李楼乡")])]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    attrs = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "form-select", "disabled": True}))


@pytest.mark.parametrize("data", [{}, {"one": "340303", "many": ["340302", "340302002"], "attrs": "340302001"}])
def test_the_same_html_as_djangos(data):
    ours, django = Sample(data, renderer=PortalFormRenderer()), Sample(data, renderer=DjangoTemplates())
    for name in ("one", "many", "attrs"):
        assert str(ours[name]) == str(django[name])
    assert "selected" in str(ours["one"])  # the chosen one, or the empty choice


def test_it_is_the_renderer_every_form_uses():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)

