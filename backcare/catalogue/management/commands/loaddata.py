"""Django's loaddata, giving the catalogue one new version for the whole load.

Without it every row loaded would bump the version on its own: 372 writes of the version row
in a load of the shipped catalogue, which is most of what the browser tests' set-up costs.
"""

from django.core.management.commands import loaddata

from backcare.catalogue.version import loading


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        # Called inside loaddata's own transaction: the bump commits (or rolls back) with it.
        with loading(self.using):
            super().loaddata(fixture_labels)
