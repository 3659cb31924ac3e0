from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keguan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Every area declares itself in its own area.py; its indicators and report part register themselves
        # when the modules its declaration names are imported.
        from . import areas, checks  # noqa: F401 (checks: registers the deployment checks)

        areas.autodiscover()
        areas.load_modules()

        from django.db.models.signals import post_migrate

        from .dictionary import seed_defaults

        post_migrate.connect(seed_defaults, sender=self, dispatch_uid="keguan_dictionary_defaults")
