from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parindex.core"
    verbose_name = "Chung"
