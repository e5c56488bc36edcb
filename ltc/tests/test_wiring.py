"""The explicit wiring (ltc/wiring.py): what each stage's AppConfig declares is what the engine
runs, every hand-off has its receivers, and `ltc_wiring` shows the whole chain."""

from __future__ import annotations

import ast
import inspect
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.dispatch import Signal
from django.utils.module_loading import import_string

from ltc import handoffs, transitions, wiring

ROOT = Path(settings.BASE_DIR).resolve()


def declared():
    return wiring.declarations()


def receivers_of(signal_name):
    return [
        (config.label, receiver)
        for config, contributes in declared()
        for receiver in contributes.receivers
        if receiver.signal == signal_name
    ]


def services():
    return [service for _c, contributes in declared() for service in contributes.services]


def test_every_signal_of_handoffs_is_listed():
    signals = {name for name, value in vars(handoffs).items() if isinstance(value, Signal)}
    assert signals == set(handoffs.HANDOFFS)


@pytest.mark.parametrize("name", handoffs.HANDOFFS)
def test_each_handoff_has_exactly_one_receiver_per_receiving_stage(name):
    declared_here = receivers_of(name)
    assert declared_here, f"nobody takes over {name}"
    stages = [label for label, _r in declared_here]
    assert len(stages) == len(set(stages)), f"{name} is received twice by one stage"
    signal = getattr(handoffs, name)
    # what is connected is exactly what is declared: no receiver connected elsewhere, none twice
    assert len(signal.receivers) == len(declared_here)
    live = set(signal._live_receivers(None)[0])
    assert live == {import_string(r.path) for _l, r in declared_here}


@pytest.mark.parametrize("name", handoffs.HANDOFFS)
def test_each_handoff_is_sent_by_a_declared_service(name):
    senders = [s for s in services() if name in s.sends]
    assert senders, f"no transition service sends {name}"


def test_each_service_is_reachable_by_name():
    assert services()
    for service in services():
        model = apps.get_model(service.model)
        function = import_string(service.path)
        assert transitions.SERVICES[(model, service.transition)] is function
        assert service.transition in {s.name for s in transitions.transition_specs(model)}
        parameters = inspect.signature(function).parameters
        assert {"obj", "user", "data"} <= set(parameters), service.path
    assert len(transitions.SERVICES) == len(services())


@pytest.mark.django_db  # a new Lead() reads its default currency from the business rules
def test_run_dispatches_to_the_declared_service(monkeypatch):
    from leads.models import Lead

    calls = []
    monkeypatch.setitem(
        transitions.SERVICES, (Lead, "convert"), lambda **kwargs: calls.append(kwargs)
    )
    transitions.run(obj=Lead(), name="convert", user=None, data={"x": 1})
    assert calls and calls[0]["data"] == {"x": 1}


def _function_sends(function) -> set[str]:
    tree = ast.parse(inspect.getsource(function).lstrip())
    return {
        node.func.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "send"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in handoffs.HANDOFFS
    }


def _calls(function) -> set[str]:
    tree = ast.parse(inspect.getsource(function).lstrip())
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def test_each_transition_with_an_effect_has_its_service():
    """A service declares exactly the hand-offs its code sends, and no code outside a declared
    service sends a hand-off signal."""
    for service in services():
        assert _function_sends(import_string(service.path)) == set(service.sends), service.path
        for same_stage in service.calls:
            assert same_stage.rsplit(".", 1)[-1] in _calls(import_string(service.path))
    declared_senders = {s.path for s in services() if s.sends}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent != ROOT:  # only the project's own apps, never a virtualenv's
            continue
        for file in path.rglob("*.py"):
            rel = file.relative_to(ROOT)
            if "tests" in rel.parts or "migrations" in rel.parts:
                continue
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    sends = {
                        n.func.value.id
                        for n in ast.walk(node)
                        if isinstance(n, ast.Call)
                        and isinstance(n.func, ast.Attribute)
                        and n.func.attr == "send"
                        and isinstance(n.func.value, ast.Name)
                        and n.func.value.id in handoffs.HANDOFFS
                    }
                    dotted = ".".join(rel.with_suffix("").parts) + "." + node.name
                    assert not sends or dotted in declared_senders, dotted


def test_every_transition_service_function_is_declared():
    """A `<model>_<transition>(*, obj, user, data)` in a stage's services that `run` would not
    call would be bypassed by the browser, the API and Celery."""
    declared_paths = {s.path for s in services()}
    for model in apps.get_models():
        try:
            specs = transitions.transition_specs(model)
        except TypeError:
            continue
        module_name = f"{model._meta.app_label}.services"
        try:
            module = import_string(module_name.rsplit(".", 1)[0]).services
        except (ImportError, AttributeError):
            continue
        for spec in specs:
            name = f"{model._meta.model_name}_{spec.name}"
            function = getattr(module, name, None)
            if function is None or "obj" not in inspect.signature(function).parameters:
                continue
            assert f"{module_name}.{name}" in declared_paths, f"{module_name}.{name}"


def test_each_receiver_calls_its_declared_service():
    for _config, contributes in declared():
        for receiver in contributes.receivers:
            function = import_string(receiver.path)
            import_string(receiver.calls)
            assert receiver.calls.rsplit(".", 1)[-1] in _calls(function), receiver.path


def test_no_stage_registers_anything_at_import_or_in_ready():
    """The declarations are the only wiring: no stage AppConfig has a ready(), and no app code
    but the engine connects a hand-off signal."""
    for config, _contributes in declared():
        assert "ready" not in type(config).__dict__, config.label
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # The project's apps sit directly under the repository (a virtualenv inside it holds
        # Django's own apps, which are not ours to check).
        if path.parent != ROOT or config.label == "ltc":
            continue
        for file in path.rglob("*.py"):
            if "tests" in file.parts:
                continue
            assert ".connect(" not in file.read_text(encoding="utf-8"), file


def test_the_registries_hold_what_is_declared():
    from ltc import flags, panels, records, timers, workqueue
    from notifications import events, outbox

    for config, contributes in declared():
        for label, selector in contributes.records.items():
            assert records.SELECTORS[apps.get_model(label)] is import_string(selector)
        for label, entries in contributes.panels.items():
            shown = {p.template_name for p in panels.PANELS[label.lower()]}
            assert {e if isinstance(e, str) else e[0] for e in entries} <= shown
        for path in contributes.work_queue:
            assert import_string(path) in workqueue.PROVIDERS
        for path in contributes.timers:
            assert timers.TIMERS[import_string(path).name] is import_string(path)
        for path in contributes.flags:
            assert import_string(path) in flags.PROVIDERS
        for path in contributes.follow_ups:
            assert import_string(path) in workqueue.FOLLOW_UP_NOTICES
        for path in contributes.due_follow_ups:
            assert import_string(path) in workqueue.FOLLOW_UPS
        assert set(contributes.events) <= set(events.EVENTS), config.label
        for name, builder in contributes.email_attachments.items():
            assert outbox.ATTACHMENTS[name] is import_string(builder)
    # the PDFs the outbox attaches: the invoice (billing) and the quote (opportunities)
    assert {"billing.invoice_pdf", "opportunities.quote_pdf"} <= set(outbox.ATTACHMENTS)
    # wiring twice leaves the same tables (no duplicates)
    before = (len(workqueue.PROVIDERS), len(flags.PROVIDERS), len(timers.TIMERS))
    wiring.wire()
    assert (len(workqueue.PROVIDERS), len(flags.PROVIDERS), len(timers.TIMERS)) == before
    assert len(handoffs.contract_signed.receivers) == len(receivers_of("contract_signed"))


def _rows():
    return wiring.chain()


def _hand_off(transition, next_stage, service_word):
    return [
        r
        for r in _rows()
        if r.transition == transition
        and (r.receiver or r.next_service).startswith(f"{next_stage}.")
        and service_word in r.next_service.rsplit(".", 1)[-1]
    ]


@pytest.mark.parametrize(
    "transition,stage,word",
    [
        ("Lead.convert", "opportunities", "opportunity"),
        ("Opportunity.win", "contracts", "contract"),
        ("Contract.sign", "orders", "order"),
        ("Contract.sign", "billing", "invoices"),
        ("Order.deliver", "billing", "invoices"),
        ("Order.deliver", "feedback", "survey"),
        ("Order.accept", "billing", "invoices"),
        ("Ticket.resolve", "feedback", "survey"),
    ],
)
def test_ltc_wiring_lists_every_handoff_of_the_design(transition, stage, word):
    assert _hand_off(transition, stage, word), (transition, stage, word)
    out = StringIO()
    call_command("ltc_wiring", stdout=out)
    line = [
        row
        for row in out.getvalue().splitlines()
        if row.startswith(transition + " ") and word in row
    ]
    assert line, transition


def test_every_handoff_a_service_sends_reaches_a_receiver():
    """Each row of the chain with a hand-off names the receiving stage's service (so a new
    hand-off, such as the order's acceptance, shows in ltc_wiring once declared)."""
    rows = [r for r in _rows() if r.signal and r.signal != wiring.SAME_STAGE]
    assert rows
    for row in rows:
        assert row.receiver and row.next_service, row
        import_string(row.next_service)


def test_readme_block_equals_the_command_output():
    out = StringIO()
    call_command("ltc_wiring", "--hand-offs", stdout=out)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- ltc_wiring --hand-offs -->\n```text\n") + len(
        "<!-- ltc_wiring --hand-offs -->\n```text\n"
    )
    end = readme.index("```", start)
    assert readme[start:end] == out.getvalue(), "run: python manage.py ltc_wiring --hand-offs"
