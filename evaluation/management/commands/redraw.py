"""manage.py redraw --call CODE --category CODE [--seed N] — reproduce a panel's draw.

With the panel's own seed (the default) it draws again from what the panel recorded (the pool, the
applications, the recusal rules) and compares with the stored assignments: "identical" or every difference.
With another --seed it shows what that seed would have drawn, without changing anything.

With --apply --reason TEXT --by USERNAME it redraws the panel for real through services.panel_redraw (as the
page and the API do): the city officer USERNAME is the actor, --seed the new draw's seed (random without it),
--size its size (the panel's without it); refused while an expert has declared or scored.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.errors import DomainError
from evaluation import services
from evaluation.models import Assignment, Panel


class Command(BaseCommand):
    help = "Reproduce a panel's draw from its seed and compare it with the stored assignments (or, with --apply, redraw it)."

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="the call's code, e.g. yz2018")
        parser.add_argument("--category", required=True, help="demonstration or new_product")
        parser.add_argument("--seed", type=int, default=None, help="another seed to try (default: the panel's)")
        parser.add_argument("--apply", action="store_true", help="redraw the panel (needs --reason and --by)")
        parser.add_argument("--reason", default="", help="with --apply: why the panel is redrawn (audited)")
        parser.add_argument("--by", default="", help="with --apply: the city officer's username (the actor)")
        parser.add_argument("--size", type=int, default=None, help="with --apply: experts per application")

    def handle(self, *args, call, category, seed, **options):
        panel = Panel.objects.filter(call__code=call, category__code=category).first()
        if panel is None:
            raise CommandError(f"no panel for call {call!r} and category {category!r}")
        if options["apply"]:
            return self.apply(panel, seed=seed, **options)
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

    def apply(self, panel, *, seed, reason, by, size, **options):
        if not reason.strip():
            raise CommandError("--apply needs --reason (it is audited)")
        actor = User.objects.filter(username=by, is_active=True).first() if by else None
        if actor is None:
            raise CommandError("--apply needs --by, the username of an active city officer")
        old_seed = panel.seed
        try:
            panel = services.panel_redraw(actor=actor, panel=panel, reason=reason, size=size, seed=seed)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"redrawn: seed {old_seed} -> {panel.seed}, size {panel.size}")
        for a in panel.assignments.order_by("application_id", "position"):
            self.stdout.write(f"application {a.application_id}: expert {a.expert_id} (position {a.position})")
