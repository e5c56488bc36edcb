"""Print the hand-off chain: each transition with a service → the service → the hand-off
signal it sends → the receiver and the service of the stage that takes over."""

from django.core.management.base import BaseCommand

from ltc.wiring import chain_table


class Command(BaseCommand):
    help = (
        "Print each transition with a service, the hand-off signal it sends, and the receiver "
        "and service of the next stage (from the AppConfig declarations)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hand-offs",
            action="store_true",
            help="Only the transitions that hand work over to another stage.",
        )

    def handle(self, *args, hand_offs=False, **options):
        self.stdout.write(chain_table(hand_offs_only=hand_offs), ending="")
