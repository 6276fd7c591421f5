from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    name = "parindex.periods"
    verbose_name = _("Kỳ đánh giá")
