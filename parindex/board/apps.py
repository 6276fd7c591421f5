from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "parindex.board"
    verbose_name = _("Theo dõi tiến độ")
