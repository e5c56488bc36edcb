"""The chain page (/kpis/chain/<resource>/<id>/): the whole deal a record belongs to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .chain import build_chain, duration


@login_required
def chain_view(request, resource: str, pk: int):
    chain = build_chain(resource=resource, pk=pk, user=request.user)
    return render(
        request,
        "kpis/chain.html",
        {
            "chain": chain,
            "cycle": duration(chain.cycle_seconds),
            "steps": [
                {
                    "name": name,
                    "label": label,
                    "items": [
                        {
                            "item": item,
                            "spent": duration(item.seconds),
                            "visits": [(v, duration(v.seconds)) for v in item.visits],
                            "start": item.resource == chain.resource and item.pk == chain.pk,
                        }
                        for item in items
                    ],
                }
                for name, label, items in chain.steps
            ],
        },
    )
