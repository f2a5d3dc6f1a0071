"""The form renderer: Django's, except that a plain ``<select>`` is written in Python.

Django renders a ``<select>`` through one template include per option and another for each option's
attributes: a list page's filter form with a few hundred areas and categories spent about a third of
the request there (grids' incident list at a million incidents: 9 of 29 ms). ``PortalFormRenderer``
writes the same HTML, byte for byte (tests/core/test_form_renderer.py), for selects whose options use
Django's own option template and whose labels are text; anything else goes through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)))
    return "".join(out)


def select_html(widget) -> str | None:
    """The HTML Django's select.html would give for this widget context, or None to let the template do it."""
    parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            label = option["label"]
            if option["template_name"] != OPTION or not isinstance(label, (str, Promise)):
                return None
            parts.append('\n  <option value="' + conditional_escape(str(option["value"])) + '"'
                         + _attrs(option["attrs"]) + ">" + conditional_escape(label) + "</option>\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and "widget" in context:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
