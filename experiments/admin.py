from django.contrib import admin
from waffle.admin import FlagAdmin as WaffleFlagAdmin
from waffle.admin import SampleAdmin, SwitchAdmin
from waffle.models import Sample, Switch

from .models import Flag

# WAFFLE_ENABLE_ADMIN_PAGES is off so that the custom flag model gets our admin; waffle's
# switches and samples keep theirs.
admin.site.register(Flag, WaffleFlagAdmin)
admin.site.register(Sample, SampleAdmin)
admin.site.register(Switch, SwitchAdmin)
