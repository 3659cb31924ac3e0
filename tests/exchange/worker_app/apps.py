from django.apps import AppConfig


class WorkerAppConfig(AppConfig):
    name = "tests.exchange.worker_app"
    label = "exchange_worker_test"

    def ready(self) -> None:
        from keguan.exchange.registry import register
        from tests.exchange.kinds import FIRMS

        register(FIRMS)
