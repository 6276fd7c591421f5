from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """No models: the PDF/xlsx responses and the one print layout (templates/documents/)."""

    name = "parindex.documents"
    verbose_name = _("Văn bản")
