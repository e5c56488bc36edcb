"""Lead import from CSV/XLSX (being written)."""


def import_leads(*, file, user, only_good_rows=False):
    raise NotImplementedError
