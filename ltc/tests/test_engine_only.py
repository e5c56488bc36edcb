"""Nothing but the transition engine writes a state field or a TransitionLog row.

The source of every app (migrations and tests aside) is scanned: an assignment to an FSM
state field, `.update(status=...)` / `.bulk_update(..., ["status"])` / `setattr(x, "status")`
on a state field, a record created in a given state, and any TransitionLog write outside
ltc/transitions.py are refused. An attribute of the same name on a model that has no state
machine is listed below with that model, and the test checks that the model indeed has none.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django_fsm import FSMFieldMixin

ROOT = Path(settings.BASE_DIR).resolve()
ENGINE = Path("ltc/transitions.py")

# (file, the assigned expression or the object written through) -> the model it belongs to,
# which has no state machine.
NOT_STATE_MACHINES = {
    ("notifications/services.py", "delivery.status"): "notifications.Delivery",
    # the outbox's claims, results and retries: every query through the manager
    ("notifications/outbox.py", "Delivery.objects"): "notifications.Delivery",
    ("billing/bank.py", "line.status"): "billing.BankStatementLine",
    ("billing/bank.py", "BankStatementLine.objects"): "billing.BankStatementLine",
    ("feedback/services.py", "item.status"): "feedback.FeedbackItem",
    # an exception's HTTP status, not a model field
    ("feedback/services.py", "self.status"): None,
}
WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}


def state_models():
    return {
        model: field.name
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FSMFieldMixin)
    }


def _manager(node) -> str:
    """`Model.objects` of a query chain such as `Model.objects.filter(...)`, else the whole
    expression."""
    whole = ast.unparse(node)
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return ast.unparse(node)
        node = node.func if isinstance(node, ast.Call) else node.value
    return whole


def source_files():
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent != ROOT:  # only the project's own apps, never a virtualenv's
            continue
        for file in sorted(path.rglob("*.py")):
            rel = file.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            yield rel, ast.parse(file.read_text(encoding="utf-8"), filename=str(rel))


def _strings(node) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def direct_writes() -> list[str]:
    names = set(state_models().values())
    found = []
    for rel, tree in source_files():
        where = str(rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and target.attr in names:
                        expression = ast.unparse(target)
                        if (where, expression) not in NOT_STATE_MACHINES:
                            found.append(f"{where}:{node.lineno} {expression} = ...")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = ast.unparse(func)
            if "TransitionLog" in called and rel != ENGINE:
                is_write = isinstance(func, ast.Name) or (
                    isinstance(func, ast.Attribute) and func.attr in WRITES
                )
                if is_write:
                    found.append(f"{where}:{node.lineno} {called}(...)")
            if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
                if _strings(node.args[1]) & names:
                    found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
            if isinstance(func, ast.Attribute) and func.attr in WRITES:
                keys = {k.arg for k in node.keywords if k.arg}
                for keyword in node.keywords:
                    if keyword.arg == "defaults" or keyword.arg is None:
                        keys |= {
                            k.value
                            for k in getattr(keyword.value, "keys", [])
                            if isinstance(k, ast.Constant)
                        }
                if func.attr == "bulk_update":
                    keys |= _strings(node)
                if (where, ast.unparse(func.value)) in NOT_STATE_MACHINES or (
                    where,
                    _manager(func.value),
                ) in NOT_STATE_MACHINES:
                    continue
                for key in sorted(keys & names):
                    found.append(f"{where}:{node.lineno} .{func.attr}({key}=...)")
    return found


def test_no_code_but_the_engine_writes_a_state_field_or_a_transition_log():
    assert direct_writes() == []


def test_the_exceptions_are_models_without_a_state_machine():
    machines = {model._meta.label for model in state_models()}
    for label in NOT_STATE_MACHINES.values():
        if label is not None:
            assert apps.get_model(label)._meta.label not in machines


def test_the_scan_finds_a_direct_write(tmp_path, monkeypatch):
    """The scanner itself: each kind of direct write in a stage's source is reported."""
    import ltc.tests.test_engine_only as scan

    bad = tmp_path / "stage"
    bad.mkdir()
    (bad / "services.py").write_text(
        "def f(order, Order, TransitionLog):\n"
        "    order.status = 'delivered'\n"
        "    Order.objects.filter(pk=1).update(status='cancelled')\n"
        "    Order.objects.bulk_update([order], ['status'])\n"
        "    setattr(order, 'stage', 'won')\n"
        "    TransitionLog.objects.create(transition='x')\n"
    )

    def files():
        yield Path("stage/services.py"), ast.parse((bad / "services.py").read_text())

    monkeypatch.setattr(scan, "source_files", files)
    found = scan.direct_writes()
    assert [line.split(" ", 1)[0] for line in found] == [
        "stage/services.py:2",
        "stage/services.py:3",
        "stage/services.py:4",
        "stage/services.py:5",
        "stage/services.py:6",
    ]
