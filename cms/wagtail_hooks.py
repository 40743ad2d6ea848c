from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Neighborhood


class NeighborhoodViewSet(SnippetViewSet):
    model = Neighborhood
    icon = "site"
    menu_label = _("Neighborhoods")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "code", "population"]
    search_fields = ["name", "code"]


register_snippet(NeighborhoodViewSet)
