from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "parindex.appraisal"
    verbose_name = "Thẩm định"
