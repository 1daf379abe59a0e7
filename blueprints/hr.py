"""HR queues: the flags managers raise on cases ("wrong stage", "not my report"), for the HR advisors of
the case's division to resolve; "not my report" also reaches the hierarchy administrators (support)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from blueprints.access import CASE_OVERSEERS, FLAG_RESOLVERS, requires
from blueprints.answering import answer
from blueprints.cases.forms import ResolveFlagForm
from blueprints.cases.loading import case_or_404
from blueprints.settings import settings
from documents import Case
from documents.case import FLAG_WORDS
from services.cases.outcomes import flag_comments, flag_queue, resolve_flag, stage_title
from services.reads.people import name_of, names_in
from services.reads.staff import people_by_id

bp = Blueprint("hr", __name__)


def queue_kinds() -> tuple[str, ...]:
    """The flags in the user's queue: HR advisors and admins get both kinds, hierarchy administrators
    (support) "not my report"."""
    return tuple(FLAG_WORDS) if current_user.has_role(*CASE_OVERSEERS) else ("not_my_report",)


@bp.route("/hr/flags")
@requires(FLAG_RESOLVERS)
def flags():
    return render_queue(ResolveFlagForm(formdata=None))


@bp.route("/hr/flags/<case_id>/<flag_id>/resolve", methods=["POST"])
@requires(FLAG_RESOLVERS)
def resolve(case_id: str, flag_id: str):
    case, _ = case_or_404(case_id)
    if not any(flag.id == flag_id and flag.kind in queue_kinds() for flag in case.flags):
        abort(404)
    form = ResolveFlagForm()
    raiser = next(flag.raised_by for flag in case.flags if flag.id == flag_id)
    return answer(lambda: resolve_flag(case, flag_id, form.resolution.data.strip(), current_user.email,
                                       mail=settings().mail),
                  f"Flag resolved. The case history records what was done, and {name_of(raiser)}, who raised it, "
                  "has been told.", url_for("hr.flags"),
                  lambda message, _: render_queue(form, failed=flag_id, status=400), form, beside="resolution")


def render_queue(form: ResolveFlagForm, failed: str | None = None, status: int = 200):
    """The open flags in the user's queue, oldest first, of one `division` and `kind` when the query asks;
    `failed` is the flag whose form came back."""
    cases, kinds = Case.objects.visible_to(current_user), queue_kinds()
    if request.args.get("division"):
        cases = cases.filter(division=request.args["division"])
    if request.args.get("kind"):
        kinds = tuple(kind for kind in kinds if kind == request.args["kind"])
    rows = flag_queue(cases, kinds)
    people = people_by_id([case.employee for case, _ in rows], "first_name", "last_name", "assignment_number")
    return render_template("hr/flags.html", rows=rows, people=people, form=form, failed=failed,
                           names=names_in([flag for _, flag in rows]),
                           comments=flag_comments(current_user, rows),
                           flag_words=FLAG_WORDS, stages={case.pk: stage_title(case) for case, _ in rows},
                           queue_kinds=queue_kinds()), status
