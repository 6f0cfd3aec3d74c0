from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业与资格"

    def ready(self):
        from accounts.selectors import county_units
        from enterprises import eligibility

        # The pure engine reads the county-level units from the Region rows, through a memoised selector.
        eligibility.set_units_source(county_units)
