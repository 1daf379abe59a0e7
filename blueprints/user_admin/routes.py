"""The Users page's routes: the list and its search, a new login, one login's page and its changes, and the
set-password links sent in bulk. Each change is one service call; a refusal goes beside its field."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.access import ADMINISTRATORS, requires
from blueprints.answering import answer, back_to, page_again
from blueprints.fields import seen_version
from blueprints.hierarchy import check_after
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from blueprints.settings import settings
from blueprints.user_admin import bp
from blueprints.user_admin.forms import (
    ROLE_CHOICES,
    ROLE_NAMES,
    AccessForm,
    AssignmentForm,
    AuthorityForm,
    BulkLinksForm,
    NewLoginForm,
    VersionForm,
)
from documents.user import User
from services import accounts, user_admin
from services.routing import known_divisions


@bp.route("/admin/users")
@requires(ADMINISTRATORS)
def index():
    query = request.args.get("q", "").strip()[:100]
    role, division, state = (request.args.get(name, "")[:100] for name in ("role", "division", "state"))
    page = Page.of_counted_to(user_admin.find_logins(query, role, division, state), request.args,
                              current_app.config["PAGE_SIZE"], user_admin.LOGINS_COUNTED)
    return render_page_or_fragment(
        "user_admin/index.html", "user_admin/_results.html", page=page, query=query, role=role, division=division,
        state=state, roles=ROLE_CHOICES, role_names=ROLE_NAMES, divisions=user_admin.held_divisions(),
        holders=user_admin.holders([login.assignment_number for login in page.items]))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def new():
    form = NewLoginForm().with_choices(known_divisions())
    page = page_again(form, lambda: (render_template("user_admin/new.html", form=form, role_names=ROLE_NAMES),
                                     400 if form.is_submitted() else 200))
    login = user_admin.NewLogin(form.email.data or "", form.name.data or "", form.roles.data or [],
                                form.hr_divisions.data or [], (form.assignment_number.data or "").strip() or None,
                                form.may_dismiss.data)
    return answer(lambda: user_admin.create_login(login, current_user.email), _made, None, page, form)


def _made(user: User):
    """To the new login's page, where its set-password link is sent."""
    flash(f"Login made for {user.name}: it waits for its first sign-in, by single sign-on or a set-password link.")
    return redirect(url_for("user_admin.show", login_id=user.pk))


@bp.route("/admin/users/<login_id>")
@requires(ADMINISTRATORS)
def show(login_id: str):
    return login_page(_login(login_id))


def login_page(user: User, status: int = 200, message: str | None = None, **forms):
    """A login's page with its forms (those given as sent back with their errors) and its history."""
    divisions = known_divisions()
    access = forms.get("access") or AccessForm(formdata=None, version=user.version, roles=user.roles,
                                               hr_divisions=user.hr_divisions)
    access.with_choices(sorted({*divisions, *user.hr_divisions}))
    return render_template(
        "user_admin/show.html", user=user, message=message, role_names=ROLE_NAMES,
        holder=user_admin.holders([user.assignment_number or ""]).get(user.assignment_number or ""),
        history=user_admin.history(user), access=access,
        assignment=forms.get("assignment") or AssignmentForm(formdata=None, version=user.version,
                                                             assignment_number=user.assignment_number),
        authority=forms.get("authority") or AuthorityForm(formdata=None, version=user.version,
                                                          may_dismiss=user.may_dismiss),
        one_click=VersionForm(formdata=None, version=user.version)), status


def _again(user: User, name: str, form):
    """`again` for one of the login page's forms: the page once more, that form with its errors."""
    return lambda message, _: login_page(user, 400, message, **{name: form})


@bp.route("/admin/users/<login_id>/access", methods=["POST"])
@requires(ADMINISTRATORS)
def access(login_id: str):
    user = _login(login_id)
    form = AccessForm().with_choices(known_divisions())
    return answer(check_after(lambda: user_admin.set_access(user.email, form.roles.data or [],
                                                            form.hr_divisions.data or [], current_user.email,
                                                            seen_version(form))),
                  "Roles and divisions saved; the login's sessions have ended.", _page_of(user),
                  _again(user, "access", form), form, beside="roles")


@bp.route("/admin/users/<login_id>/assignment", methods=["POST"])
@requires(ADMINISTRATORS)
def assignment(login_id: str):
    user = _login(login_id)
    form = AssignmentForm()
    return answer(check_after(lambda: user_admin.link_assignment(user.email, form.assignment_number.data or "",
                                                                 current_user.email, seen_version(form))),
                  lambda linked: f"Linked to assignment {linked.assignment_number}." if linked.assignment_number
                  else "No longer linked to an assignment.", _page_of(user),
                  _again(user, "assignment", form), form, beside="assignment_number")


@bp.route("/admin/users/<login_id>/authority", methods=["POST"])
@requires(ADMINISTRATORS)
def authority(login_id: str):
    user = _login(login_id)
    form = AuthorityForm()
    return answer(lambda: accounts.set_dismissal_authority(user.email, form.may_dismiss.data, current_user.email,
                                                           seen_version(form)),
                  lambda changed: "The login now holds the authority to dismiss." if changed.may_dismiss
                  else "The login no longer holds the authority to dismiss.", _page_of(user),
                  _again(user, "authority", form), form, beside="may_dismiss")


@bp.route("/admin/users/<login_id>/off", methods=["POST"])
@requires(ADMINISTRATORS)
def switch_off(login_id: str):
    return _one_click(login_id, check_after(lambda user, version: accounts.switch_off(user.email, current_user.email,
                                                                                   version)),
                      lambda _: "Login switched off: it cannot sign in, and its sessions have ended. Its open tasks "
                                "show on hierarchy health.")


@bp.route("/admin/users/<login_id>/on", methods=["POST"])
@requires(ADMINISTRATORS)
def switch_on(login_id: str):
    return _one_click(login_id, check_after(lambda user, version: accounts.switch_on(user.email, current_user.email,
                                                                                  version)),
                      lambda _: "Login switched on: it can sign in again.")


@bp.route("/admin/users/<login_id>/link", methods=["POST"])
@requires(ADMINISTRATORS)
def send_link(login_id: str):
    return _one_click(login_id, lambda user, _: user_admin.send_link(user.email, current_user.email, _mail()),
                      lambda taken: "A set-password link was sent: the mail server took it." if taken else
                      "The set-password link failed: the mail server did not take it. Check the mail settings and "
                      "send another.")


def _one_click(login_id: str, change, done):
    """A button's change to the login (given the version its page showed), then back to its page."""
    user = _login(login_id)
    form = VersionForm()
    return answer(lambda: change(user, seen_version(form)), done, _page_of(user), back_to(_page_of(user)), form)


@bp.route("/admin/users/links", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def bulk_links():
    divisions = known_divisions()
    form = BulkLinksForm()
    form.division.choices = [("", "Every division"), *((division, division) for division in divisions)]
    page = page_again(form, lambda: (render_template("user_admin/links.html", form=form,
                                                     waiting=user_admin.awaiting_count()),
                                     400 if form.is_submitted() else 200))
    return answer(lambda: user_admin.send_links_to_awaiting(
                      form.division.data if form.division.data in divisions else "", current_user.email, _mail()),
                  _sent_words, url_for("user_admin.bulk_links"), page, form)


def _sent_words(sent: user_admin.Sent) -> str:
    words = f"{sent.sent:,} link{'s' if sent.sent != 1 else ''} sent"
    words += f"; {sent.failed:,} failed (the mail server did not take them)" if sent.failed else ""
    words += f"; {sent.live:,} passed over: the link they were sent still works" if sent.live else ""
    return words + (f"; {sent.left:,} more wait: send again." if sent.left else ".")


def _page_of(user: User) -> str:
    return url_for("user_admin.show", login_id=user.pk)


def _login(login_id: str) -> User:
    user = user_admin.login_by_id(login_id)
    if user is None:
        abort(404)
    return user


def _mail():
    return settings().mail
