from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "申报书"

    def ready(self):
        from applications import flags
        from applications.workflow import transitioned

        # A submission or resubmission recomputes the flags it touches, inside its transaction.
        transitioned.connect(flags.on_transition, dispatch_uid="applications.flags")
