from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "experiments"
    verbose_name = "Experiments"

    def ready(self) -> None:
        from llm.admin_extensions import register_version_panel

        from . import api  # noqa: F401  (connects the signals that keep cached experiments fresh)
        from .prompt_panel import prompt_version_panel

        # A prompt version's admin page shows the experiments that used it.
        register_version_panel(prompt_version_panel)
