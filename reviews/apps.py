from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("县区与市级审核")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The opinion rows of the application workflow get their conditions on this app's data from here
        # (applications must not import reviews).
        from applications.workflow import transitioned
        from notifications.state_checks import register_state_check
        from reviews import guards, messages

        guards.register()
        transitioned.connect(messages.on_transition, dispatch_uid="reviews.messages")
        register_state_check("applications.application", messages.application_state)
