from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "parindex.publication"
    verbose_name = _("Công bố kết quả")
