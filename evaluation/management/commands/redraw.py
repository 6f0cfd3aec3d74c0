"""manage.py redraw --call CODE --category CODE [--seed N] — reproduce a panel's draw.

With the panel's own seed (the default) it draws again from what the panel recorded (the pool, the
applications, the recusal rules) and compares with the stored assignments: "identical" or every difference.
With another --seed it shows what that seed would have drawn, without changing anything.
"""

from django.core.management.base import BaseCommand, CommandError

from evaluation import services
from evaluation.models import Assignment, Panel


class Command(BaseCommand):
    help = "Reproduce a panel's draw from its seed and compare it with the stored assignments."

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="the call's code, e.g. yz2018")
        parser.add_argument("--category", required=True, help="demonstration or new_product")
        parser.add_argument("--seed", type=int, default=None, help="another seed to try (default: the panel's)")

    def handle(self, *args, call, category, seed, **options):
        panel = Panel.objects.filter(call__code=call, category__code=category).first()
        if panel is None:
            raise CommandError(f"no panel for call {call!r} and category {category!r}")
        if seed is not None and seed != panel.seed:
            panel.seed = seed  # unsaved: what this seed would have drawn
        result = services.panel_reproduce(panel)
        self.stdout.write(f"seed {panel.seed}, size {panel.size}, rules {', '.join(panel.rules)}")
        self.stdout.write("order " + " ".join(str(e) for e in result.order))
        drawn = {(s.application, s.expert) for s in result.seats}
        initial = {
            (a.application_id, a.expert_id) for a in Assignment.objects.filter(panel_id=panel.pk, replaces__isnull=True)
        }
        for seat in result.seats:
            self.stdout.write(f"application {seat.application}: expert {seat.expert} (position {seat.position})")
        for pk, missing in sorted(result.short.items()):
            self.stdout.write(f"application {pk}: {missing} seat(s) could not be filled")
        if drawn == initial:
            self.stdout.write(self.style.SUCCESS("identical to the stored draw"))
            return
        for application, expert in sorted(drawn - initial):
            self.stdout.write(f"+ application {application}: expert {expert} (not in the stored draw)")
        for application, expert in sorted(initial - drawn):
            self.stdout.write(f"- application {application}: expert {expert} (stored, not drawn now)")
        if seed is None:
            raise CommandError("the draw differs from the stored one")
