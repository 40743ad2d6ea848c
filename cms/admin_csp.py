"""Wagtail admin widgets without inline script, so the admin runs under our CSP.

Wagtail's choosers (page, snippet, image, document, task) render `<script>new X(id,
options)</script>` after their HTML. We render the same call as data on a hidden
element instead, and static/cms/admin-widgets.js makes it. Installed once, from
CmsConfig.ready(); the date, time and date-time widgets get the same treatment through
template overrides in templates/wagtailadmin/widgets/.
"""

from __future__ import annotations

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.widgets.chooser import BaseChooser


def _render_without_inline_script(self, name, value, attrs=None, renderer=None):
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("A chooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    if type(self).render_js_init is BaseChooser.render_js_init:
        starter_name, options = self.js_constructor, self.get_js_init_options(id_, name, value_data)
    else:
        # Wagtail's task chooser starts with a function of the id alone.
        starter_name, options = "createTaskChooser", {}
    starter = format_html(
        '<span hidden data-confianza-init="{}" data-target-id="{}" data-config="{}"></span>',
        starter_name,
        id_,
        json.dumps(options),
    )
    return mark_safe(f"{widget_html}{starter}")  # noqa: S308 (widget_html is Wagtail's own)


def install() -> None:
    BaseChooser.render = _render_without_inline_script
