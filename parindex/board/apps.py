from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "parindex.board"
    verbose_name = "Theo dõi tiến độ"
