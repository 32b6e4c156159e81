from django.utils.translation import gettext_lazy as _
from waffle.models import AbstractUserFlag


class Flag(AbstractUserFlag):
    """Bazaar's feature flag (``WAFFLE_FLAG_MODEL``).

    Declared from the first migration so that waffle never has to be switched over to a custom
    model on a live database; the experiments machinery extends it.
    """

    class Meta(AbstractUserFlag.Meta):
        swappable = "WAFFLE_FLAG_MODEL"
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
