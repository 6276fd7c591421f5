from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parindex.core"
    verbose_name = "Chung"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import born_renewed

        user_logged_in.connect(born_renewed, dispatch_uid="parindex.core.sessions.born_renewed")
