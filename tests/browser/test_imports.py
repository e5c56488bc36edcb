"""An import in a real browser: finance uploads opening receivables, the page shows the
job's progress bar (htmx polling) while a worker checks the rows, then the report with the
bad rows and their reasons."""

import datetime

import pytest
from django.utils import timezone

from billing.models import Invoice
from customers.tests.factories import AccountFactory
from ltc.models import ImportJob
from roles.tests.factories import user_with
from tests.browser.test_smoke import SHOTS, _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def test_opening_receivables_import_shows_progress_then_the_report(
    browser,  # noqa: F811
    live_server,
    monkeypatch,
    tmp_path,
):
    from ltc import tasks
    from ltc.imports import run_job

    user_with("finance", username="fei")
    AccountFactory(name="Acme Machinery", tax_id="TAX-1")
    lines = ["number,account,issue_date,due_date,total,balance"]
    lines += [f"OLD-{n},Acme Machinery,{_day(-40)},{_day(-10)},1000,400" for n in range(150)]
    lines.append(f"OLD-9999,Nobody Ltd,{_day(-40)},{_day(-10)},1000,400")  # line 152
    lines.append(f"OLD-0,Acme Machinery,{_day(-40)},{_day(-10)},1000,1400")  # 153: two faults
    path = tmp_path / "opening.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The worker is this test: the upload only queues the job.
    monkeypatch.setattr(tasks.import_run, "delay", lambda job_id: None)

    page = _page(browser, live_server)
    _login(page, live_server, "fei")
    page.click(".sidebar-nav >> text=Import data")
    page.click("[data-entity=opening-invoices]")
    page.set_input_files("#id_file", str(path))
    page.check("#id_only_good_rows")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("[data-testid=import-progress]")
    assert "Waiting for a worker" in page.inner_text("[data-testid=import-job]")

    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now(), rows_checked=76, rows_total=153
    )
    page.wait_for_selector("[data-testid=import-progress][aria-valuenow='49']")
    assert "76 of 153 rows checked" in page.inner_text("[data-testid=import-progress-count]")
    page.screenshot(path=str(SHOTS / "ltc-browser-import-progress.png"), full_page=True)

    ImportJob.objects.filter(pk=job.pk).update(started_at=None)
    run_job(job.pk)
    page.wait_for_selector("[data-testid=import-report]")
    assert page.inner_text("[data-testid=report-total]") == "152"
    assert page.inner_text("[data-testid=report-created]") == "150"
    assert page.inner_text("[data-testid=report-errors]") == "2"
    errors = page.inner_text("[data-testid=import-errors]")
    assert "No account “Nobody Ltd”" in errors
    assert "The balance is larger than the total." in errors
    assert "Duplicate of line 2" in errors
    page.screenshot(path=str(SHOTS / "ltc-browser-import-report.png"), full_page=True)
    assert Invoice.objects.filter(opening=True).count() == 150
    assert not page.outside_requests
